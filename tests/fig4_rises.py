#!/usr/bin/python3
"""The Figure 4 number computed with h5py alone, for the tests: per run with recorded
trajectories, "RUN RECORDED EBAR_RISES FBAR_RISES" (FBAR_RISES "-" unless EMA). A trajectory
counts when its trial is done and it has at least 2 points; Ebar "rises" along it when some
step between consecutive recorded (non-NaN) points exceeds 1e-9 times its largest |value|."""
import sys

import h5py
import numpy as np

TOL = 1e-9


def rises(v):
    v = v[~np.isnan(v)]
    return len(v) >= 2 and np.diff(v).max() > TOL * np.abs(v).max()


with h5py.File(sys.argv[1], "r") as f:
    for name, g in f["runs"].items():
        ntraj = int(g.attrs.get("trajectories", 0))
        if ntraj == 0:
            continue
        ema = g.attrs["alg"] == "ema"
        done = g["done"][:]
        recorded = e = fb = 0
        for k in range(min(ntraj, len(done))):
            count = int(g["trajectories/%d/count" % k][()])
            if done[k] != 1 or count < 2:
                continue
            recorded += 1
            e += rises(g["trajectories/%d/ebar" % k][:count])
            if ema:
                fb += rises(g["trajectories/%d/fbar" % k][:count])
        print(name, recorded, e, fb if ema else "-")

"""A basin slice against the theory (issue 14): at m = 1 SG with the paper's Figure 3 statistics
(rho = 3, tau = 2, lambda = 0.1) the boundary between the origin's basin and the outer sphere S2's
is the stable manifold of the saddles on the inner sphere S1 (MODEL.md fact 1). So a trajectory
started on the boundary must go to S1 and stay there. This test takes two neighbouring cells of a
basin grid (a row of tests/maps/maps-small.yaml's basins-sg) with different classes, bisects the
initial state on the segment between them 30 times with sgema-trial --input (files built here from
the results file's stored inputs), and checks that
  - the two end points go to the origin and to S2 (class stable, sphere S2), as the grid said;
  - the trajectory from the last bracketing point comes within 1e-3 (relative) of |a|^2 = r1^2,
    with r1 = (|tau| - sqrt(Delta)) / (2 rho) computed here, at some recorded time, having left
    the neighbourhood of its start (so the approach is not the initial state's own |a|);
  - and that both bracketing points' recorded |a|^2 stay near r1^2 for a while (a plateau), while
    the end points' do not: the picture's boundary is S1's stable manifold, not an artefact.
It fails if the grid's classes were wrong, if the boundary were not S1's stable manifold, or if
sgema-trial --input could not reproduce the grid's trials.
  test_maps_boundary.py SGEMA_RUN SGEMA_TRIAL SOURCE_DIR WORK_DIR"""
import json
import math
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

RUN, TRIAL, SRC, WORK = sys.argv[1:5]
YAML = os.path.join(SRC, "tests", "maps", "maps-small.yaml")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
RHO, TAU, LAM = 3.0, 2.0, 0.1
DELTA = TAU * TAU - 4 * RHO * LAM
R1 = (abs(TAU) - math.sqrt(DELTA)) / (2 * RHO)
R2 = (abs(TAU) + math.sqrt(DELTA)) / (2 * RHO)
BISECTIONS = 30
RECORD = "3001:600"  # |a(t)|^2 every 0.2 time units up to t = 600

passed = failed = 0


def check(ok, what):
    global passed, failed
    passed += bool(ok)
    failed += not ok
    print(("ok   " if ok else "FAIL ") + what)
    sys.stdout.flush()


def trial(y0, path, record=False):
    """sgema-trial --input of the Figure 3 data and the SG initial state y0 = (A, B)."""
    text = {"problem": {"alg": "sg", "m": 1, "n": 2, "time": "flow", "lambda": LAM,
                        "Sxx": [[RHO]], "Syx": [[TAU]]},
            "initial": {"A": [[float(y0[0])], [float(y0[1])]],
                        "B": [[float(y0[2]), float(y0[3])], [float(y0[4]), float(y0[5])]]}}
    with open(path, "w") as f:
        json.dump(text, f)
    args = [TRIAL, "--input", path, "--json", "--compact"] + (["--record", RECORD] if record else [])
    return json.loads(subprocess.run(args, stdout=subprocess.PIPE, check=True).stdout)


def a2(rec):
    return np.array([p["A"][0][0] ** 2 + p["A"][1][0] ** 2 for p in rec["trajectory"]])


def near_r1(x):
    return np.abs(x - R1 * R1) / (R1 * R1) < 1e-3


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    out = os.path.join(WORK, "grid.h5")
    st = subprocess.run(["mpirun", "--oversubscribe", "-np", "2", RUN, YAML, "--runs", "basins-sg",
                         "--quiet", "-o", out], env=ENV, stdout=subprocess.DEVNULL).returncode
    check(st == 0, "the basins-sg grid of maps-small.yaml: exit 0")
    with h5py.File(out, "r") as f:
        g = f["runs/basins-sg"]
        cls, y0s = g["outputs/class"][:], g["inputs/y0"][:]
        xc = json.loads(g.attrs["settings"])["design"]["x_cells"]
    # A pair along a row (same iy, ix and ix + 1): one origin (0), one stable (1).
    pairs = [k for k in range(len(cls) - 1)
             if (k + 1) % xc and {int(cls[k]), int(cls[k + 1])} == {0, 1}]
    check(len(pairs) > 0, f"{len(pairs)} neighbouring cell pairs along rows differ (origin | stable)")
    if not pairs:
        return 1
    k = pairs[len(pairs) // 2]
    lo, hi = (y0s[k], y0s[k + 1]) if cls[k] == 0 else (y0s[k + 1], y0s[k])
    # The end points, re-run: origin and S2.
    e0, e1 = trial(lo, os.path.join(WORK, "lo.json"), True), trial(hi, os.path.join(WORK, "hi.json"), True)
    check(e0["result"]["class"] == "origin", f"cell pair {k}, {k + 1}: one end goes to the origin")
    check(e1["result"]["class"] == "stable" and e1["result"]["sphere"] == "S2" and
          abs(e1["result"]["a_norm"] - R2) < 1e-6 * R2,
          f"the other end goes to S2 (|a| = {e1['result']['a_norm']:.9f}, r2 = {R2:.9f})")
    # Bisection on the segment between them: lo stays in the origin's basin, hi in S2's.
    for i in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        rec = trial(mid, os.path.join(WORK, "mid.json"))
        if rec["result"]["class"] == "origin":
            lo = mid
        else:
            hi = mid
    gap = float(np.max(np.abs(hi - lo)))
    check(gap < 1e-10, f"{BISECTIONS} bisections bracket the boundary to {gap:.2e}")
    r_lo = trial(lo, os.path.join(WORK, "last-lo.json"), True)
    r_hi = trial(hi, os.path.join(WORK, "last-hi.json"), True)
    check(r_lo["result"]["class"] == "origin" and r_hi["result"]["class"] == "stable",
          "the last bracketing points still go to the origin and to S2")
    for name, rec in (("origin side", r_lo), ("S2 side", r_hi)):
        x, t = a2(rec), np.array([p["t"] for p in rec["trajectory"]])
        start = abs(x[0] - R1 * R1) / (R1 * R1)
        hit = near_r1(x)
        check(start > 0.1 and hit.any(),
              f"{name}: |a(t)|^2 comes within 1e-3 of r1^2 = {R1 * R1:.6g} (first at t = "
              f"{t[np.argmax(hit)] if hit.any() else float('nan'):.1f}; at t = 0 it is off by "
              f"{start:.2f})")
        check(hit.sum() >= 50, f"{name}: and stays there at {hit.sum()} recorded times (a plateau "
              "of at least 10 time units)")
    check(near_r1(a2(e0)).sum() < 5 and near_r1(a2(e1)).sum() < 5,
          "the end points (a cell apart) pass S1 without a plateau")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


sys.exit(main())

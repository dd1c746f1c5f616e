#!/usr/bin/python3
# Monte Carlo limits of sgema-trial against the census' equilibria for the same data (docs/CENSUS.md):
# each limit's A^T A must equal one census equilibrium's S, of the limit's rank and a stable class.
# Usage: census_mc_check.py SGEMA_TRIAL TEST_CENSUS M N TRIALS   (not a CTest: about 1 s per m = 3
# data set; the Monte Carlo match command of issue 13 will replace it)
import json, subprocess, sys

import numpy as np

trial_tool, census_tool = sys.argv[1], sys.argv[2]
m, n, count = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
tally, bad = {}, 0
for k in range(count):
    rec = json.loads(subprocess.run([trial_tool, "--m", str(m), "--n", str(n), "--stats", "generic",
                                     "--json", "--trial", str(k)], capture_output=True, text=True,
                                    check=True).stdout)
    cls, pr = rec["result"]["class"], rec["problem"]
    A = np.array(rec["final"]["A"])
    S = A.T @ A
    args = [census_tool, "--census", str(m), str(n), repr(pr["lambda"])]
    args += [repr(v) for row in pr["Sxx"] for v in row] + [repr(v) for row in pr["Syx"] for v in row]
    eqs = []
    for line in subprocess.run(args, capture_output=True, text=True, check=True).stdout.splitlines():
        f = line.split()
        eqs.append((int(f[0]), f[1], np.array([float(v) for v in f[3:]]).reshape(m, m)))
    rank, ecls, Se = min(eqs, key=lambda e: np.linalg.norm(e[2] - S))
    err = np.linalg.norm(Se - S) / max(1.0, np.linalg.norm(S))
    key = (cls, "match" if err < 1e-5 else "no match", "census rank %d" % rank, ecls)
    tally[key] = tally.get(key, 0) + 1
    if err >= 1e-5 and cls in ("origin", "stable", "partial"):
        bad += 1
        print("trial %d (%s): nearest census S differs by %.3g" % (k, cls, err))
for key, v in sorted(tally.items()):
    print("%-60s %d" % (" / ".join(key), v))
print("%d of %d converged limits without a census match" % (bad, count))
sys.exit(1 if bad else 0)

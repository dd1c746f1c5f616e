#!/bin/sh
# The paper's m = 1 experiment (footnote 4: 10,000 SG and 10,000 EMA trials, n = 2), one process per
# algorithm on the local cores, with class counts against the paper's reported fractions on S2
# (SG 82.0%, EMA 92.8%). Until the MPI runner lands this is the main job; it runs the same kernel.
#   scripts/paper-demo.sh [TRIALS] [SEED]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
trials=${1:-10000}
seed=${2:-1}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for alg in sg ema; do
  "$top/build/sgema-bench" --alg "$alg" --trials "$trials" --seed "$seed" --json > "$out/$alg.json" &
done
wait
/usr/bin/python3 - "$out" "$trials" <<'PY'
import json, math, sys
out, k = sys.argv[1], int(sys.argv[2])
paper = {"sg": 0.820, "ema": 0.928}
def wilson(x, n, z=1.959963984540054):
    p = x / n; d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d; h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return c - h, c + h
print("Paper protocol (m = 1, n = 2, rho ~ U[0,3], tau ~ U[-1,1], lambda ~ U[0.01,0.1], N(0,1) init), %d trials each" % k)
for alg in ("sg", "ema"):
    r = json.load(open("%s/%s.json" % (out, alg)))
    c = r["classes"]; st = c["stable"]; lo, hi = wilson(st, k)
    print("%-3s stable %5.1f%% [%5.1f, %5.1f] (paper on S2: %4.1f%%)  origin %5.1f%%  saddle %d  not converged %d  diverged %d  (%.0f trials/s/core)"
          % (alg.upper(), 100 * st / k, 100 * lo, 100 * hi, 100 * paper[alg], 100 * c["origin"] / k,
             c["saddle"], c["not_converged"], c["diverged"], r["trials_per_second"]))
PY

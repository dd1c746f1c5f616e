#!/bin/sh
# Cost of a trial against the state length N: the large-state path and the dense path side by side.
#
#   bench/scale.sh [BUILD_DIR] [MAX_M]
#
# For m = 1, 2, 4, 8 (and 16, 32 up to MAX_M, default 8; n = 2m, generic statistics, SG and EMA)
# it runs sgema-bench twice, one process each (so that the peak resident memory is per process):
#   new:   the defaults (hybrid: RK 8(7), then CVODE BDF + SPGMR on Jacobian-vector products from
#          N = 64 on; classification by ARPACK from N = 100 on (LAPACK's SVD for the orbit), GSL
#          below);
#   dense: --method msbdf --spectrum dense (GSL's BDF with dense N x N Newton matrices, GSL's
#          SVD and nonsymmetric eigensolver: the cross-check path); for m = 1 the default hybrid
#          with GSL's spectrum, which is what the new path runs there too.
#   scipy: bench/scipy_baseline.py (SciPy's LSODA, same tolerances) on the first trials of the new
#          path's records (up to m = 8; it needs /usr/bin/python3 with numpy and scipy);
# and prints trials/s, field evaluations, Jacobian-vector products and peak memory per trial, then
# the slope of log(seconds per trial) against log(N) between consecutive sizes. The dense path is
# skipped above m = 8 (minutes per trial). The machine is shared: read ratios of one run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
max_m=${2:-8}
bench="$build/sgema-bench"
[ -x "$bench" ] || { echo "bench/scale.sh: $bench not built" >&2; exit 1; }
out=$(mktemp)
records=$(mktemp)
trap 'rm -f "$out" "$records"' EXIT

trials_for() { # m path -> trials (about 10 s per point on one core)
  case "$1:$2" in
    1:scipy) echo 200 ;; 2:scipy) echo 60 ;; 4:scipy) echo 20 ;; 8:scipy) echo 3 ;;
    1:*) echo 3000 ;; 2:*) echo 400 ;; 4:new) echo 200 ;; 4:dense) echo 60 ;;
    8:new) echo 20 ;; 8:dense) echo 6 ;; 16:*) echo 4 ;; *) echo 2 ;;
  esac
}
for alg in sg ema; do
  for m in 1 2 4 8 16 32; do
    [ "$m" -le "$max_m" ] || continue
    n=$((2 * m)); [ "$m" -eq 1 ] && n=2
    for path in new dense; do
      [ "$path" = dense ] && [ "$m" -gt 8 ] && continue
      opts=""
      if [ "$path" = dense ]; then
        opts="--spectrum dense"; [ "$m" -gt 1 ] && opts="--method msbdf --spectrum dense"
      fi
      # shellcheck disable=SC2086
      json=$("$bench" --json --alg "$alg" --m "$m" --n "$n" --stats generic --trials "$(trials_for "$m" "$path")" $opts --dump "$records")
      echo "$alg $m $n $path $json" >> "$out"
      if [ "$path" = new ] && [ "$m" -le 8 ] && /usr/bin/python3 -c 'import scipy' 2> /dev/null; then
        json=$(/usr/bin/python3 "$here/scipy_baseline.py" "$records" --limit "$(trials_for "$m" scipy)" --json)
        echo "$alg $m $n scipy $json" >> "$out"
      fi
    done
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, math, sys
rows = []
for line in open(sys.argv[1]):
    alg, m, n, path, js = line.split(" ", 4)
    r = json.loads(js)
    r.setdefault("rhs_mean", float("nan")), r.setdefault("jvp_mean", float("nan"))
    r.setdefault("jac_mean", float("nan")), r.setdefault("peak_mib", float("nan"))
    rows.append((alg, int(m), int(n), path, r))
dim = lambda alg, m, n: n * m + n * n + (n * m if alg == "ema" else 0)
print("%-4s %3s %3s %5s | %-6s %10s %9s %9s %9s %8s %7s" % (
    "alg", "m", "n", "N", "path", "trials/s", "rhs", "jvp", "jac", "MiB", "slope"))
prev = {}
for alg, m, n, path, r in rows:
    N = dim(alg, m, n)
    cost = 1.0 / r["trials_per_second"]
    key = (alg, path)
    slope = ""
    if key in prev:
        N0, c0 = prev[key]
        slope = "%.2f" % (math.log(cost / c0) / math.log(N / N0))
    prev[key] = (N, cost)
    print("%-4s %3d %3d %5d | %-6s %10.2f %9.0f %9.0f %9.1f %8.1f %7s" % (
        alg, m, n, N, path, r["trials_per_second"], r["rhs_mean"], r["jvp_mean"],
        r["jac_mean"], r["peak_mib"], slope))
PY

#!/bin/sh
# Benchmark of the per-trial kernel on one core, side by side with the SciPy LSODA baseline.
#
#   bench/run.sh [BUILD_DIR] [C_TRIALS] [SCIPY_TRIALS]
#
# For each configuration (m = 1, n = 2 SG and EMA with the paper's distribution; m = 2, n = 4 and
# m = 4, n = 8 with generic statistics) it runs C_TRIALS trials with sgema-bench (single core; trials
# per second, steps and right-hand-side evaluations per trial, share not converged by t_max), dumps
# the first SCIPY_TRIALS records, re-integrates and re-classifies them with bench/scipy_baseline.py
# (same inputs, tolerances and classification rules), and prints the speed ratio and the class
# agreement. Timings on a shared machine are noisy: the ratio of two runs made one after the other
# is what to read. Needs Debian's python3-scipy (apt-get install python3-scipy; run by /usr/bin/python3).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
c_trials=${2:-20000}
py_trials=${3:-200}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

bench="$build/sgema-bench"
[ -x "$bench" ] || { echo "bench/run.sh: $bench not built (run scripts/setup.sh first)" >&2; exit 1; }

printf '%-22s %12s %10s %10s %10s %10s %10s %8s %12s %8s\n' config "C trials/s" "steps" "steps max" \
  "rhs" "rhs max" "not conv" "SciPy/s" "ratio" agree
run() { # label, trials, sgema-bench options...
  label=$1; k=$2; shift 2
  c_json=$("$bench" --json --trials "$k" "$@")
  "$bench" --trials "$py_trials" --dump "$out/r.jsonl" "$@" > /dev/null
  py_json=$(/usr/bin/python3 "$here/scipy_baseline.py" --json "$out/r.jsonl")
  /usr/bin/python3 - "$label" "$c_json" "$py_json" <<'PY'
import json, sys
label, c, p = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
ps = p["trials_per_second"]; ag = p["agreement"]
print("%-22s %12.0f %10.1f %10d %10.1f %10d %9.3f%% %8.1f %12.0f %8s" % (
    label, c["trials_per_second"], c["steps_mean"], c["steps_max"], c["rhs_mean"], c["rhs_max"],
    100 * c["not_converged_t_max"], ps, c["trials_per_second"] / ps,
    "%d/%d" % (ag["agree"], ag["compared"])))
PY
}
run "sg  m=1 n=2 paper" "$c_trials" --alg sg
run "ema m=1 n=2 paper" "$c_trials" --alg ema
run "sg  m=2 n=4 generic" $((c_trials / 10)) --alg sg --m 2 --n 4 --stats generic
run "ema m=2 n=4 generic" $((c_trials / 10)) --alg ema --m 2 --n 4 --stats generic
run "sg  m=4 n=8 generic" $((c_trials / 100)) --alg sg --m 4 --n 8 --stats generic
run "ema m=4 n=8 generic" $((c_trials / 100)) --alg ema --m 4 --n 8 --stats generic

#!/bin/sh
# Benchmark of the runner: wall time of the paper experiment (experiments/paper-m1.yaml, 40,000
# trials) with 1 and 2 MPI processes and their ratio, and the runner's overhead (MPI, HDF5,
# scheduling) against the bare kernel computing the same trials in one process (sgema-bench with
# the same seed, streams and sampling). Each figure is the best of REPEAT runs.
#   bench/runner.sh [BUILD_DIR] [REPEAT]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
repeat=${2:-3}
exp="$here/../experiments/paper-m1.yaml"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
seconds() { # command...: best wall time of $repeat runs
  best=""
  i=0
  while [ $i -lt "$repeat" ]; do
    rm -f "$out"/*.h5
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" -eq 1 ]; then best=$t; fi
    i=$((i + 1))
  done
  echo "$best"
}
kernel() { # the same 4 x 10,000 trials, bare, one process
  "$build/sgema-bench" --alg sg --run 0 --trials 10000 >/dev/null
  "$build/sgema-bench" --alg ema --run 1 --trials 10000 >/dev/null
  "$build/sgema-bench" --alg sg --run 2 --condition-delta --trials 10000 >/dev/null
  "$build/sgema-bench" --alg ema --run 3 --condition-delta --trials 10000 >/dev/null
}
k=$(seconds kernel)
p1=$(seconds mpirun -np 1 "$build/sgema-run" "$exp" -o "$out/p1.h5" --quiet)
p2=$(seconds mpirun -np 2 "$build/sgema-run" "$exp" -o "$out/p2.h5" --quiet)
printf 'paper-m1 (40,000 trials), best of %s\n' "$repeat"
printf '  bare kernel, 1 process (sgema-bench x 4) %8.2f s\n' "$k"
printf '  sgema-run, mpirun -np 1                 %8.2f s   overhead vs kernel %+.1f%%\n' "$p1" \
  "$(echo "100 * ($p1 - $k) / $k" | bc -l)"
printf '  sgema-run, mpirun -np 2                 %8.2f s   speed-up over -np 1: %.2f\n' "$p2" \
  "$(echo "$p1 / $p2" | bc -l)"

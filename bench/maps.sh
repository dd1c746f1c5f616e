#!/bin/sh
# The 400 x 400 m = 1 basin slices of experiments/maps.yaml (basins-sg, basins-ema: 160,000 trials
# each at the paper's Figure 3 statistics) under `mpirun -np PROCS sgema-run`: wall seconds each,
# and the CPU seconds of all processes (on a shared machine wall time overstates the cost; CPU /
# PROCS is the wall time on PROCS idle cores). Issue 14's target is under 30 s on 2 cores.
#   bench/maps.sh [BUILD_DIR] [PROCS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
procs=${2:-2}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in basins-sg basins-ema; do
  /usr/bin/time -f "%e %U %S" -o "$dir/time" mpirun --oversubscribe -np "$procs" \
    "$build/sgema-run" "$here/../experiments/maps.yaml" --runs "$run" -o "$dir/$run.h5" \
    --quiet >/dev/null 2>&1
  awk -v run="$run" -v p="$procs" '{printf "%s: 400 x 400 cells, %d processes: %.1f s wall, %.1f s CPU (%.1f s on %d idle cores)\n", run, p, $1, $2 + $3, ($2 + $3) / p, p}' "$dir/time"
done

#!/bin/sh
# The main job: the paper's experiment (experiments/paper-m1.yaml) on every local core, into
# results/paper-m1.h5, with the summary per run. Run again to resume an interrupted run (a
# complete file is only summarised again).
#   scripts/run-paper.sh [EXPERIMENT.yaml [OUTPUT.h5]]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
exp=${1:-"$top/experiments/paper-m1.yaml"}
out=${2:-"$top/results/$(basename "$exp" .yaml).h5"}
mkdir -p "$(dirname "$out")"
if [ "$(id -u)" -eq 0 ]; then # Open MPI refuses root unless told
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# One OpenBLAS thread a process: the kernel computes with one anyway (docs/NUMERICS.md), and the
# pool OpenBLAS starts at load (a thread a core, spinning until a timeout) only takes CPU from the
# other ranks.
export OPENBLAS_NUM_THREADS=1
resume=""
[ -e "$out" ] && resume="--resume"
exec mpirun -np "$(nproc)" "$top/build/sgema-run" "$exp" -o "$out" $resume

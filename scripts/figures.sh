#!/bin/sh
# Regenerates the README's figures, docs/figures/*.png, from three experiments run here on every
# local core: experiments/figures.yaml (trajectories, seconds), experiments/paper-m1.yaml (classes
# and Delta, seconds) and experiments/sweep-m-small.yaml (fractions against m, about a minute on 2
# cores). The results files go to WORK_DIR (default results/figures), rewritten each time.
#   scripts/figures.sh [BUILD_DIR [WORK_DIR]]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$top/build"}
work=${2:-"$top/results/figures"}
out="$top/docs/figures"
mkdir -p "$work" "$out"
if [ "$(id -u)" -eq 0 ]; then # Open MPI refuses root unless told
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
for exp in figures paper-m1 sweep-m-small; do
  rm -f "$work/$exp.h5"
  mpirun -np "$(nproc)" "$build/sgema-run" "$top/experiments/$exp.yaml" -o "$work/$exp.h5" --quiet \
    >"$work/$exp.log"
done
plot="$build/analysis/sgema-plot"
"$plot" trajectories "$work/figures.h5" -o "$out/trajectories.png" --size 1600x860
"$plot" ebar "$work/figures.h5" -o "$out/ebar.png" --size 1600x860
"$plot" classes "$work/paper-m1.h5" -o "$out/classes.png" --size 1600x900
"$plot" delta "$work/paper-m1.h5" -o "$out/delta.png" --run sg,ema --size 1600x900
"$plot" sweep "$work/sweep-m-small.h5" -o "$out/sweep.png" --size 1600x800
"$build/analysis/sgema-summary" "$work/figures.h5" | grep -E "^== run|Ebar rises|Fbar rises"
ls -l "$out"/*.png

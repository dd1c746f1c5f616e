#!/bin/sh
# Regenerates the README's figures, docs/figures/*.png, from four experiments run here on every
# local core: experiments/figures.yaml (trajectories, seconds), experiments/paper-m1.yaml (classes
# and Delta, seconds), experiments/sweep-m-small.yaml (fractions against m, about a minute on 2
# cores) and experiments/maps.yaml (the m = 1 phase diagrams and basin slices of SG and EMA, a few
# minutes on 2 cores). The results files go to WORK_DIR (default results/figures), rewritten each
# time. When results/sweep-m.h5 exists (experiments/sweep-m.yaml, about 1.2 core-hours: run it
# first, e.g. `mpirun -np 8 build/sgema-run experiments/sweep-m.yaml -o results/sweep-m.h5`), the
# fractions and the ranks of partial limits against m are also drawn from it, with any
# results/sweep-m-large*.h5 files of experiments/sweep-m-large.yaml beside it.
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
for exp in figures paper-m1 sweep-m-small maps; do
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
# The maps: SG and EMA side by side on the same axes (and colour scale); the basin slices at
# 400 x 400 cells drawn on square panels.
"$plot" phase "$work/maps.h5" -o "$out/phase-m1.png" --run phase-sg,phase-ema --size 1600x800
"$plot" basins "$work/maps.h5" -o "$out/basins-m1.png" --run basins-sg,basins-ema --size 1600x900
if [ -f "$top/results/sweep-m.h5" ]; then
  # shellcheck disable=SC2046 # the optional large-m files, as separate arguments
  set -- "$top/results/sweep-m.h5" $(ls "$top"/results/sweep-m-large*.h5 2>/dev/null)
  "$plot" sweep "$@" -o "$out/sweep-m.png" --size 1600x800
  "$plot" ranks "$@" -o "$out/ranks-m.png" --size 1600x800
  "$build/analysis/sgema-sweep" "$@" --format markdown
  "$build/analysis/sgema-sweep" "$@" --ranks --format markdown
fi
"$build/analysis/sgema-summary" "$work/figures.h5" | grep -E "^== run|Ebar rises|Fbar rises"
"$build/analysis/sgema-summary" "$work/maps.h5" | grep -E "^== run|design|cells"
ls -l "$out"/*.png

#!/bin/bash
# sgema-plot legibility (issue 10): every kind stays legible from 1 to 12 runs at the default size
# and at twice it. For each figure the tool writes its layout (SGEMA_PLOT_LAYOUT: every title, tick
# label, axis label, legend entry and note as a box) and tests/analysis/check_layout.py checks with
# PIL and numpy, not with the tool's code: the PNG's size; every box inside the image; no two texts
# overlapping, nor a text a legend sample, nor a text a panel's frame; the legend below the panels;
# nothing drawn on the image's edge; and, against the same figure drawn without its texts
# (SGEMA_PLOT_NO_TEXT=1), that every pixel of the letters lies inside the layout's text boxes (so
# the boxes compared are where the letters really are). Letters keep their size in page units: a
# 2x image has the same letters as a 1x one (checked through the layout's heights). The ranks kind,
# which needs partial limits (m >= 2), draws 1 to 12 runs of tests/plot/ranks-many.yaml instead.
#   test_plot_legible.sh SGEMA_PLOT SGEMA_RUN SOURCE_DIR WORK_DIR
set -u
PLOT=$1
RUN=$2
SRC=$3
WORK=$4
PY=/usr/bin/python3
CHECK=$SRC/tests/analysis/check_layout.py
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

$MPIRUN -np 2 "$RUN" "$SRC/tests/plot/many.yaml" -o many.h5 --quiet >run.out 2>&1
check "run many.yaml: exit 0" test $? -eq 0
$MPIRUN -np 2 "$RUN" "$SRC/tests/plot/ranks-many.yaml" -o ranks.h5 --quiet >run-ranks.out 2>&1
check "run ranks-many.yaml: exit 0" test $? -eq 0
# The twelve m = 1 runs, in the experiment's order.
RUNS=(sg-m1-n2-horizon-2000 ema-m1-n2-horizon-2500 sg-m1-n2-horizon-3000 ema-m1-n2-horizon-3500
  sg-m1-n2-horizon-4000 ema-m1-n2-horizon-4500 sg-m1-n2-horizon-5000 ema-m1-n2-horizon-5500
  sg-m1-n2-horizon-6000 ema-m1-n2-horizon-6500 sg-m1-n2-horizon-7000 ema-m1-n2-horizon-7500)
first() { local IFS=,; echo "${RUNS[*]:0:$1}"; }
# The twelve m = 2 runs of ranks-many.yaml, each a series of its own (its horizon).
RANK_RUNS=()
for t in 25000 30000 35000 40000 45000 50000 55000 60000 65000 70000 75000 80000; do
  RANK_RUNS+=($([ $(((t / 5000) % 2)) -eq 1 ] && echo sg || echo ema)-m2-n3-horizon-$t)
done
first_ranks() { local IFS=,; echo "${RANK_RUNS[*]:0:$1}"; }
H5=many.h5 # the file draw() plots

draw() { # kind, k runs, size, name [extra options...]: the figure and its layout, exit 0 and silent
  local kind=$1 k=$2 size=$3 name=$4
  shift 4
  SGEMA_PLOT_LAYOUT=$name.csv "$PLOT" "$kind" $H5 -o "$name.png" --size "$size" "$@" \
    >"$name.out" 2>&1 && [ ! -s "$name.out" ] || { echo "     $name: $(head -c 300 "$name.out")"; return 1; }
}

# Which run counts are drawn: all of 1..12 (the letters' pixels for 1, 4, 9, 12) unless the
# sanitizer run, which looks for memory errors rather than legibility, asks for fewer.
COUNTS=${SGEMA_LEGIBLE_COUNTS:-1 2 3 4 5 6 7 8 9 10 11 12}
INK_COUNTS=${SGEMA_LEGIBLE_INK_COUNTS:-1 4 9 12}
for size in 1600x1000 3200x2000; do
  w=${size%x*}
  h=${size#*x}
  for kind in trajectories ebar classes delta sweep; do
    pairs=()
    ok=0
    for k in $COUNTS; do
      draw $kind $k $size $kind-$k-$w --run "$(first $k)" || ok=1
      pairs+=($kind-$k-$w.csv $kind-$k-$w.png)
    done
    check "$kind, runs $(echo $COUNTS | tr " " ,) at $size: drawn, exit 0, silent" test $ok -eq 0
    check "$kind, runs $(echo $COUNTS | tr " " ,) at $size: inside the image, no overlaps, legend below the panels" \
      $PY "$CHECK" boxes "$w" "$h" "${pairs[@]}"
    triples=()
    for k in $INK_COUNTS; do
      SGEMA_PLOT_NO_TEXT=1 "$PLOT" $kind many.h5 -o $kind-$k-$w-bare.png --size $size --run "$(first $k)"
      triples+=($kind-$k-$w.csv $kind-$k-$w.png $kind-$k-$w-bare.png)
    done
    check "$kind, runs $(echo $INK_COUNTS | tr " " ,) at $size: the letters lie inside their boxes" \
      $PY "$CHECK" ink "${triples[@]}"
  done
  # The whole file: sweep's 16 series (every m = 1 run a series of its own) on 2 to 4 panels.
  draw sweep all $size sweep-all-$w
  check "sweep of all 20 runs at $size: drawn" test $? -eq 0
  SGEMA_PLOT_NO_TEXT=1 "$PLOT" sweep many.h5 -o sweep-all-$w-bare.png --size $size
  check "sweep of all 20 runs at $size: boxes, overlaps, letters" $PY "$CHECK" boxes "$w" "$h" \
    sweep-all-$w.csv sweep-all-$w.png
  check "sweep of all 20 runs at $size: the letters lie inside their boxes" $PY "$CHECK" ink \
    sweep-all-$w.csv sweep-all-$w.png sweep-all-$w-bare.png
  # ranks: 1 to 12 series of one point (ranks-many.yaml's horizons), then the whole file.
  H5=ranks.h5
  pairs=()
  ok=0
  for k in $COUNTS; do
    draw ranks $k $size ranks-$k-$w --run "$(first_ranks $k)" || ok=1
    pairs+=(ranks-$k-$w.csv ranks-$k-$w.png)
  done
  check "ranks, runs $(echo $COUNTS | tr " " ,) at $size: drawn, exit 0, silent" test $ok -eq 0
  check "ranks, runs $(echo $COUNTS | tr " " ,) at $size: inside the image, no overlaps, legend below the panel" \
    $PY "$CHECK" boxes "$w" "$h" "${pairs[@]}"
  triples=()
  for k in $INK_COUNTS; do
    SGEMA_PLOT_NO_TEXT=1 "$PLOT" ranks ranks.h5 -o ranks-$k-$w-bare.png --size $size --run "$(first_ranks $k)"
    triples+=(ranks-$k-$w.csv ranks-$k-$w.png ranks-$k-$w-bare.png)
  done
  check "ranks, runs $(echo $INK_COUNTS | tr " " ,) at $size: the letters lie inside their boxes" \
    $PY "$CHECK" ink "${triples[@]}"
  draw ranks all $size ranks-all-$w
  check "ranks of all 24 runs (16 series) at $size: drawn" test $? -eq 0
  SGEMA_PLOT_NO_TEXT=1 "$PLOT" ranks ranks.h5 -o ranks-all-$w-bare.png --size $size
  check "ranks of all 24 runs at $size: boxes, overlaps, letters" $PY "$CHECK" boxes "$w" "$h" \
    ranks-all-$w.csv ranks-all-$w.png
  check "ranks of all 24 runs at $size: the letters lie inside their boxes" $PY "$CHECK" ink \
    ranks-all-$w.csv ranks-all-$w.png ranks-all-$w-bare.png
  H5=many.h5
  # trial: m = 1 (with the a plane) and m = 3 (three singular values).
  for rk in "ema-m1-n2-horizon-2500 1" "ema-m3-n6 0"; do
    set -- $rk
    draw trial 1 $size trial-$1-$w --run "$1" --trial "$2"
    check "trial $1 at $size: drawn" test $? -eq 0
    SGEMA_PLOT_NO_TEXT=1 "$PLOT" trial many.h5 -o trial-$1-$w-bare.png --size $size --run "$1" --trial "$2"
    check "trial $1 at $size: boxes and letters" $PY "$CHECK" boxes "$w" "$h" trial-$1-$w.csv trial-$1-$w.png
    check "trial $1 at $size: the letters lie inside their boxes" $PY "$CHECK" ink \
      trial-$1-$w.csv trial-$1-$w.png trial-$1-$w-bare.png
  done
done

# Letters do not grow with --size: the body text of the 2x figure is as high as the 1x one's.
same_letters() {
  local k=${COUNTS##* } # the largest count drawn
  $PY - classes-$k-1600.csv classes-$k-3200.csv <<'PYEOF'
import csv, sys
def ticks(p):
    return sorted(float(r["y1"]) - float(r["y0"]) for r in csv.DictReader(open(p, encoding="utf-8"))
                  if r["role"] == "axis_label")
a, b = ticks(sys.argv[1]), ticks(sys.argv[2])
sys.exit(0 if a and b and abs(a[0] - b[0]) <= 0.1 * a[0] else 1)
PYEOF
}
check "--size 3200x2000 keeps the 1600x1000 letter height (within 10%)" same_letters

finish

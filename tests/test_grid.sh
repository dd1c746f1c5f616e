#!/bin/bash
# The analysis of grid runs (issue 14) end to end on tests/plot/grid.yaml: sgema-export --cells
# (CSV and JSON) and sgema-summary's design and majority cells against h5py's count of the same
# file (tests/analysis/check_grid.py), also with cells made partial by clearing done flags;
# sgema-plot phase (1 and 2 runs, --class, --panels) and basins (1 and 2 runs) as images: size,
# colour bar, the heat map's colours, the Delta = 0 curve, the class colours and the circle |a| = r2,
# and the legibility checks of the other kinds (tests/analysis/check_layout.py); refusals of a
# random run and of bad options with one line and the right status.
#   test_grid.sh SGEMA_RUN SGEMA_EXPORT SGEMA_SUMMARY SGEMA_PLOT SOURCE_DIR WORK_DIR
set -u
RUN=$1
EXPORT=$2
SUM=$3
PLOT=$4
SRC=$5
WORK=$6
PY=/usr/bin/python3
CHECK=$SRC/tests/analysis/check_grid.py
LAYOUT=$SRC/tests/analysis/check_layout.py
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

$MPIRUN -np 2 "$RUN" "$SRC/tests/plot/grid.yaml" -o grid.h5 --quiet >run.out 2>&1
check "run grid.yaml: exit 0" test $? -eq 0

# The grids as grid.yaml gives them: NX NY PER_CELL XLO XHI YLO YHI.
PHASE="30 24 3 0 3 -2 2"
BASINS="40 40 1 -1 1 -1 1"

# 1. --cells against h5py, every phase and basins run.
for run in phase-sg phase-ema basins-sg basins-ema; do
  g=$PHASE
  [ "${run%%-*}" = basins ] && g=$BASINS
  "$EXPORT" grid.h5 --run $run --cells -o $run.csv 2>$run.err
  check "$run: --cells exit 0, silent" test $? -eq 0 -a ! -s $run.err
  check "$run: --cells CSV equals h5py's count per cell" $PY "$CHECK" cells $run.csv grid.h5 $run $g
done
"$EXPORT" grid.h5 --run phase-sg --cells --json -o phase-sg.json
check "phase-sg: --cells --json exit 0" test $? -eq 0
check "phase-sg: --json holds the CSV's cells" $PY "$CHECK" json phase-sg.json phase-sg.csv

# 2. Partial cells: some done flags cleared (trials 0, 1 of cell 0; trial 2 of cell 1; every trial
# of the last cell).
cp grid.h5 partial.h5
$PY "$SRC/tests/analysis/check_tables.py" clear-done partial.h5 phase-sg 0 1 5 2157 2158 2159
"$EXPORT" partial.h5 --run phase-sg --cells -o partial.csv 2>partial.err
check "partial: --cells exit 0" test $? -eq 0
check "partial: --cells CSV equals h5py's count (partial and empty cells)" \
  $PY "$CHECK" cells partial.csv partial.h5 phase-sg $PHASE
check "partial: 3 incomplete cells, 1 of them empty" \
  test "$(awk -F, 'NR > 1 && $6 == 1 { p++ } NR > 1 && $5 == 0 { e++ } END { print p + 0, e + 0 }' partial.csv)" = "3 1"

# 3. sgema-summary: the design and the cells by majority class.
"$SUM" partial.h5 --format json >summary.json
check "summary --format json: exit 0" test $? -eq 0
for run in phase-sg phase-ema basins-sg; do
  g=$PHASE
  [ "${run%%-*}" = basins ] && g=$BASINS
  check "summary $run: cells, partial, empty and majority cells equal h5py's" \
    $PY "$CHECK" summary summary.json partial.h5 $run $(echo $g | cut -d" " -f1-3)
done
"$SUM" grid.h5 --run basins-sg >summary.txt
check "summary text: the basins design named" grep -q "design basins: x = A entry 0 \[-1, 1\] in 40 cells" summary.txt
check "summary text: the cells by majority" grep -q "cells by majority" summary.txt
"$SUM" grid.h5 --run random-sg >random.txt
check "summary text: no design for a random run" test "$(grep -c "design" random.txt)" = 0

# 4. Refusals.
check "--cells of a random run: exit 1, one line naming it" \
  fails_cleanly 1 "run random-sg is not a grid run" "$EXPORT" grid.h5 --run random-sg --cells
check "--json without --cells: exit 2" fails_cleanly 2 "--json: only with --cells" \
  "$EXPORT" grid.h5 --run phase-sg --json
check "--cells with --where: exit 2" fails_cleanly 2 "--cells" \
  "$EXPORT" grid.h5 --run phase-sg --cells --where "delta > 0"
check "phase of a random run: exit 1, no image" \
  fails_cleanly 1 "not a phase run" "$PLOT" phase grid.h5 --run random-sg -o bad.png
check "basins of a phase run: exit 1" \
  fails_cleanly 1 "not a basins run" "$PLOT" basins grid.h5 --run phase-sg -o bad.png
check "refused plots leave no image" test ! -e bad.png
check "--class unknown: exit 2" fails_cleanly 2 "--class: 'bogus'" \
  "$PLOT" phase grid.h5 -o bad.png --class bogus
check "--panels for basins: exit 2" fails_cleanly 2 "--panels: only for KIND phase" \
  "$PLOT" basins grid.h5 -o bad.png --panels

# 5. The figures as images, and their layouts by the legibility checks.
draw() { # name, size, kind, options...: the figure, its layout and the bare image
  local name=$1 size=$2
  shift 2
  SGEMA_PLOT_LAYOUT=$name.csv "$PLOT" "$@" -o $name.png --size $size >$name.out 2>&1 &&
    [ ! -s $name.out ] && SGEMA_PLOT_NO_TEXT=1 "$PLOT" "$@" -o $name-bare.png --size $size ||
    { echo "     $name: $(head -c 300 $name.out)"; return 1; }
}
boxes=()
inks=()
for size in 1600x1000 3200x2000; do
  w=${size%x*}
  h=${size#*x}
  for fig in "phase1 phase grid.h5 --run phase-sg" "phase2 phase grid.h5 --run phase-sg,phase-ema" \
    "origin phase grid.h5 --run phase-sg,phase-ema --class origin" \
    "panels phase grid.h5 --panels" "basins1 basins grid.h5 --run basins-sg" \
    "basins2 basins grid.h5"; do
    set -- $fig
    name=$1-$w
    shift
    check "$name: drawn, exit 0, silent" draw $name $size "$@"
    case $name in
    phase1*) check "$name: colour bar, heat map, Delta = 0" $PY "$CHECK" phase $name.png $name.csv 1 ;;
    phase2*) check "$name: colour bar, heat map, Delta = 0 in both" $PY "$CHECK" phase $name.png $name.csv 2 ;;
    panels*) check "$name: 2 runs x 3 classes, each with Delta = 0" $PY "$CHECK" phase $name.png $name.csv 6 ;;
    basins1*) check "$name: origin grey and S2 blue, |a| = r2 drawn" \
      $PY "$CHECK" basins $name.png $name.csv 0.6122212 127,127,127 31,119,180 ;;
    basins2*) check "$name: origin grey and S2 blue in both, |a| = r2 drawn" \
      $PY "$CHECK" basins $name.png $name.csv 0.6122212 127,127,127 31,119,180 ;;
    esac
    boxes+=($name.csv $name.png)
    inks+=($name.csv $name.png $name-bare.png)
  done
  check "grid figures at $size: inside the image, no overlaps, legend below the panels" \
    $PY "$LAYOUT" boxes $w $h "${boxes[@]}"
  check "grid figures at $size: the letters lie inside their boxes" $PY "$LAYOUT" ink "${inks[@]}"
  boxes=()
  inks=()
done
"$PLOT" basins grid.h5 -o basins.svg --size 800x800
check "basins as SVG: exit 0" test $? -eq 0 -a -s basins.svg
"$PLOT" phase grid.h5 -o phase.pdf --size 800x500
check "phase as PDF: exit 0" test $? -eq 0 -a -s phase.pdf
finish

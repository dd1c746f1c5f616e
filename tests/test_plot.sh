#!/bin/bash
# sgema-plot end to end: every KIND writes a PNG, an SVG and a PDF whose headers (read here with od,
# grep and python, not by the tool) say the requested size; bad inputs fail with status 1 or 2, one
# line on stderr, and no output file (nor temporary file) left behind; sgema-summary's Figure 4
# number equals h5py's. The ranks kind: its --data against h5py's pooled ranks of the partial
# limits, its series' colours in the image (tests/analysis/check_ranks.py).
#   test_plot.sh SGEMA_PLOT SGEMA_RUN SGEMA_SUMMARY SOURCE_DIR WORK_DIR
set -u
PLOT=$1
RUN=$2
SUM=$3
SRC=$4
WORK=$5
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

$MPIRUN -np 2 "$RUN" "$SRC/tests/analysis/plot-small.yaml" -o small.h5 --quiet >run.out 2>&1
check "plot-small run: exit 0" test $? -eq 0

# PNG: the 8-byte signature, then the IHDR chunk whose first fields are width and height (big-endian).
png_is() { # file, width, height
  local sig w h
  sig=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
  w=$(od -An -tu1 -j16 -N4 "$1" | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
  h=$(od -An -tu1 -j20 -N4 "$1" | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
  [ "$sig" = 89504e470d0a1a0a ] && [ "$(head -c 16 "$1" | tail -c 4)" = IHDR ] &&
    [ "$w" = "$2" ] && [ "$h" = "$3" ] || { echo "     $1: signature $sig, ${w}x$h"; return 1; }
}
# SVG: the root element's width and height (cairo writes points).
svg_is() { # file, width, height
  grep -q "<svg[^>]* width=\"$2pt\" height=\"$3pt\"" "$1" || {
    echo "     $1: $(grep -o '<svg[^>]*>' "$1" | head -1)"
    return 1
  }
}
# PDF: %PDF- first, %%EOF last, and a MediaBox of the requested size in points.
pdf_is() { # file, width, height
  [ "$(head -c 5 "$1")" = "%PDF-" ] && tail -c 8 "$1" | grep -q '%%EOF' &&
    grep -aq "MediaBox \[ *0 0 $2 $3 *\]" "$1" || { echo "     $1: not a ${2}x$3 PDF"; return 1; }
}
nonempty() { [ -s "$1" ]; }

# 1. Every kind in every format at a size other than the default.
for kind in trajectories ebar classes delta sweep ranks; do
  "$PLOT" $kind small.h5 -o $kind.png --size 900x560 >$kind.out 2>&1
  check "$kind: PNG exit 0" test $? -eq 0
  check "$kind: PNG non-empty, signature, IHDR 900x560" png_is $kind.png 900 560
  "$PLOT" $kind small.h5 -o $kind.svg --size 640x400 >>$kind.out 2>&1
  check "$kind: SVG exit 0, root 640x400" svg_is $kind.svg 640 400
  "$PLOT" $kind small.h5 -o $kind.pdf --size 500x300 >>$kind.out 2>&1
  check "$kind: PDF exit 0, %PDF- .. %%EOF, MediaBox 500x300" pdf_is $kind.pdf 500 300
  check "$kind: silent on success" test ! -s $kind.out
done
"$PLOT" trajectories small.h5 -o default.png
check "default size: 1600x1000" png_is default.png 1600 1000
"$PLOT" ebar small.h5 -o one.png --run ema-m1 --trajectories 2 --size 700x700
check "ebar --run ema-m1 --trajectories 2: 700x700" png_is one.png 700 700
"$PLOT" sweep small.h5 small.h5 -o two.png --size 800x500 2>/dev/null
check "sweep of the same file twice: refused (exit 2), no image" test $? -eq 2 -a ! -e two.png
"$PLOT" delta small.h5 -o bins.svg --bins 3 --size 300x200
check "delta --bins 3: 300x200" svg_is bins.svg 300 200
"$PLOT" ranks small.h5 -o ranks-data.png --data ranks.csv
check "ranks --data: exit 0, a 1600x1000 image" png_is ranks-data.png 1600 1000
if [ -x /usr/bin/python3 ]; then
  check "ranks --data: pooled runs, rank counts, means and intervals equal h5py's" \
    /usr/bin/python3 "$SRC/tests/analysis/check_ranks.py" plot ranks.csv small.h5
  check "ranks: the m = 2 run's series drawn in the first series colour" \
    /usr/bin/python3 "$SRC/tests/analysis/check_ranks.py" colours ranks-data.png 1
  cp small.h5 nopartial.h5
  /usr/bin/python3 "$SRC/tests/analysis/check_ranks.py" no-partial nopartial.h5
  rm -f out.png
  "$PLOT" ranks nopartial.h5 -o out.png 2>nopartial.err
  check "ranks of a file without partial limits: exit 1, named, no image" \
    test $? -eq 1 -a ! -e out.png -a "$(grep -c "no partial limits in the runs drawn" nopartial.err)" = 1
fi
if [ -x /usr/bin/python3 ]; then
  check "every SVG parses as XML" /usr/bin/python3 -c '
import sys, xml.etree.ElementTree as ET
for p in sys.argv[1:]:
    ET.parse(p)' ./*.svg
fi

# 2. Bad inputs: the status, one line on stderr naming the problem, and no file left behind.
leaves_nothing() { # status, expected message part, command...
  rm -f out.* ./*.tmp-*
  fails_cleanly "$@" || return 1
  [ -z "$(ls out.* ./*.tmp-* 2>/dev/null)" ] || { echo "     left: $(ls out.* ./*.tmp-*)"; return 1; }
}
check "missing file: exit 1" leaves_nothing 1 "nothere.h5: cannot open" "$PLOT" classes nothere.h5 -o out.png
h5copy -i small.h5 -o foreign.h5 -s /runs/sg-m1/done -d /data
check "foreign HDF5 file: exit 1" leaves_nothing 1 "not an sgema results file" \
  "$PLOT" classes foreign.h5 -o out.png
head -c 4000 small.h5 >trunc.h5
check "truncated file: exit 1" leaves_nothing 1 "trunc.h5" "$PLOT" ebar trunc.h5 -o out.png
echo "plain text" >text.h5
check "not HDF5: exit 1" leaves_nothing 1 "not an HDF5 file" "$PLOT" delta text.h5 -o out.svg
check "unknown run: exit 1, runs listed" leaves_nothing 1 "no run named 'nosuch'; the runs are: sg-m1" \
  "$PLOT" classes small.h5 -o out.png --run sg-m1,nosuch
check "trajectories, m = 2 run: exit 1" leaves_nothing 1 "needs m = 1 and n = 2" \
  "$PLOT" trajectories small.h5 -o out.png --run sg-m2
check "delta, m = 2 run: exit 1" leaves_nothing 1 "defined for m = 1" \
  "$PLOT" delta small.h5 -o out.pdf --run sg-m2
check "ranks, m = 1 run: exit 1" leaves_nothing 1 "m = 1 has no partial limits" \
  "$PLOT" ranks small.h5 -o out.png --run sg-m1
check "unknown kind: exit 2" leaves_nothing 2 "unknown KIND 'pie'" "$PLOT" pie small.h5 -o out.png
check "bad size 800x: exit 2" leaves_nothing 2 "--size height" "$PLOT" classes small.h5 -o out.png --size 800x
check "bad size 0x100: exit 2" leaves_nothing 2 "--size width" "$PLOT" classes small.h5 -o out.png --size 0x100
check "bad size 800: exit 2" leaves_nothing 2 "not WIDTHxHEIGHT" "$PLOT" classes small.h5 -o out.png --size 800
check "unsupported extension: exit 2" leaves_nothing 2 "unsupported extension" \
  "$PLOT" classes small.h5 -o out.jpg
check "no output: exit 2" leaves_nothing 2 "no output given" "$PLOT" classes small.h5
check "no file: exit 2" leaves_nothing 2 "no results file" "$PLOT" classes -o out.png
check "bad --trajectories: exit 2" leaves_nothing 2 "--trajectories" \
  "$PLOT" ebar small.h5 -o out.png --trajectories 0
check "unwritable output directory: exit 1" leaves_nothing 1 "cannot create" \
  "$PLOT" classes small.h5 -o nodir/out.png
# An existing image is replaced only by a complete one: a failing command leaves it as it was.
cp classes.png keep.png
"$PLOT" delta small.h5 -o keep.png --run sg-m2 2>/dev/null
check "failed command: existing output untouched" cmp -s keep.png classes.png

# 3. The Figure 4 number of sgema-summary against h5py (tests/fig4_rises.py).
if [ -x /usr/bin/python3 ]; then
  "$SUM" small.h5 --format csv >small.csv
  fig4_matches() {
    local run rec e fb got ok=0
    while read -r run rec e fb; do
      got=$(awk -F, -v r="\"$run\"" '$1 == r && $2 == "trajectories.recorded" { print $3 }' small.csv)
      got="$got $(awk -F, -v r="\"$run\"" '$1 == r && $2 == "trajectories.ebar_rises" { print $3 }' small.csv)"
      got="$got $(awk -F, -v r="\"$run\"" '$1 == r && $2 == "trajectories.fbar_rises" { print $3 }' small.csv)"
      [ "$fb" = "-" ] && fb=""
      [ "$(echo $got)" = "$(echo $rec $e $fb)" ] || { echo "     $run: h5py $rec $e $fb, summary $got"; ok=1; }
    done < <(/usr/bin/python3 "$SRC/tests/fig4_rises.py" small.h5)
    return $ok
  }
  check "summary: recorded trajectories and Ebar/Fbar rises equal h5py's" fig4_matches
fi

finish

#!/bin/bash
# Honest pooling (issue 10): sgema-plot sweep pools only runs whose settings are equal but for alg,
# m and n (its --data numbers against h5py sums over exactly those runs, tests/analysis/check_pool.py),
# labels the other series by what differs, and both sgema-plot and sgema-sweep refuse (exit 2, no
# output) a file given twice (by any name), a run named twice, and two files that hold the same
# trials (same settings, seed and stream).
#   test_pool.sh SGEMA_PLOT SGEMA_SWEEP SGEMA_RUN SOURCE_DIR WORK_DIR
set -u
PLOT=$1
SWEEP=$2
RUN=$3
SRC=$4
WORK=$5
PY=/usr/bin/python3
CHECK=$SRC/tests/analysis/check_pool.py
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

$MPIRUN -np 2 "$RUN" "$SRC/tests/plot/pool-a.yaml" -o a.h5 --quiet >run-a.out 2>&1
check "run pool-a.yaml: exit 0" test $? -eq 0
$MPIRUN -np 2 "$RUN" "$SRC/tests/plot/pool-b.yaml" -o b.h5 --quiet >run-b.out 2>&1
check "run pool-b.yaml: exit 0" test $? -eq 0

# 1. What is pooled: each point's runs, counts and intervals against h5py.
"$PLOT" sweep a.h5 -o a.png --data a.csv
check "sweep a.h5 --data: exit 0" test $? -eq 0
check "sweep a.h5: points pool only equal settings; numbers equal h5py's" $PY "$CHECK" plot a.csv a.h5
"$PLOT" sweep a.h5 b.h5 -o ab.png --data ab.csv
check "sweep a.h5 b.h5 --data: exit 0" test $? -eq 0
check "sweep a.h5 b.h5: replicates of two files pooled, nothing else; numbers equal h5py's" \
  $PY "$CHECK" plot ab.csv a.h5 b.h5
check "sg-delta is a series of its own, labelled" grep -q '^"SG (condition delta>=0), n = 2",sg,' ab.csv
check "ema-discrete is a series of its own, labelled" grep -q '^"EMA (discrete, t_max=200000), n = 2",ema,' ab.csv
check "sg (m = 1) pools sg, sg-rep of a.h5 and sg of b.h5" \
  grep -q ',"a.h5:sg;a.h5:sg-rep;b.h5:sg"$' ab.csv
"$SWEEP" a.h5 b.h5 --format csv >sweep.csv
check "sgema-sweep: exit 0" test $? -eq 0
check "sgema-sweep: equal settings share a variant, different settings do not" \
  $PY "$CHECK" sweep sweep.csv a.h5 b.h5
check "sgema-sweep: sg-delta's variant" grep -q '"a.h5","pool-a","sg-delta",.*,"condition delta>=0",' sweep.csv

# 2. Duplicates: refused with exit 2 and one line, no output left.
cp a.h5 copy.h5
ln -s a.h5 link.h5
refused() { # message part, command...
  rm -f out.png out.csv
  fails_cleanly 2 "$@" || return 1
  [ ! -e out.png ] && [ ! -e out.csv ] || { echo "     output left behind"; return 1; }
}
check "plot: the same file twice" refused "given twice" "$PLOT" sweep a.h5 a.h5 -o out.png
check "plot: the same file through a link" refused "given twice" "$PLOT" sweep a.h5 link.h5 -o out.png
check "plot: a copy (same trials)" refused "hold the same trials" "$PLOT" sweep a.h5 copy.h5 -o out.png --data out.csv
check "plot classes: a copy" refused "hold the same trials" "$PLOT" classes b.h5 copy.h5 a.h5 -o out.png
check "plot: --run sg,sg" refused "'sg' is named twice" "$PLOT" classes a.h5 -o out.png --run sg,ema,sg
check "sweep: the same file twice" refused "given twice" "$SWEEP" a.h5 b.h5 a.h5
check "sweep: the same file through a link" refused "given twice" "$SWEEP" link.h5 a.h5
check "sweep: a copy (same trials)" refused "hold the same trials" "$SWEEP" a.h5 copy.h5
check "plot: --data for a kind without numbers" refused "--data" "$PLOT" classes a.h5 -o out.png --data out.csv

finish

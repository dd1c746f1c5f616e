#!/bin/bash
# sgema-sweep end to end: every count, fraction and interval equals h5py's count and the textbook
# Wilson formula (tests/analysis/check_tables.py, which shares no code with the tool), rows come in
# (alg, m, n, file, run) order, the sweep over two files is the union of the two sweeps, an
# interrupted file is tabulated with its incomplete runs named, and bad files fail cleanly. --ranks:
# the ranks of each run's partial limits against h5py (tests/analysis/check_ranks.py).
#   test_sweep.sh SGEMA_SWEEP SGEMA_RUN SOURCE_DIR WORK_DIR
set -u
SWEEP=$1
RUN=$2
SRC=$3
WORK=$4
PY=/usr/bin/python3
CHECK=$SRC/tests/analysis/check_tables.py
RANKS=$SRC/tests/analysis/check_ranks.py
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1


$MPIRUN -np 2 "$RUN" "$SRC/tests/analysis/sweep-a.yaml" -o a.h5 --quiet >run-a.out 2>&1
check "run sweep-a.yaml: exit 0" test $? -eq 0
$MPIRUN -np 2 "$RUN" "$SRC/tests/analysis/sweep-b.yaml" -o b.h5 --quiet >run-b.out 2>&1
check "run sweep-b.yaml: exit 0" test $? -eq 0

# 1. One file, then two: counts, fractions, intervals and row order against h5py.
"$SWEEP" a.h5 --format csv >a.csv 2>a.err
check "sweep a.h5: exit 0, nothing on stderr" test $? -eq 0 -a ! -s a.err
check "sweep a.h5: seven rows" test "$(($(wc -l <a.csv) - 1))" -eq 7
check "sweep a.h5: counts, fractions, intervals, order equal h5py's" $PY "$CHECK" sweep a.csv a.h5
"$SWEEP" b.h5 --format csv >b.csv 2>/dev/null
"$SWEEP" a.h5 b.h5 --format csv >ab.csv 2>ab.err
check "sweep a.h5 b.h5: exit 0" test $? -eq 0
check "sweep a.h5 b.h5: counts, intervals and (alg, m, n, file, run) order equal h5py's" \
  $PY "$CHECK" sweep ab.csv a.h5 b.h5
union_equal() {
  [ "$(wc -l <ab.csv)" -gt 1 ] || return 1
  diff <( (tail -n +2 a.csv; tail -n +2 b.csv) | sort) <(tail -n +2 ab.csv | sort)
}
check "sweep a.h5 b.h5: its rows are those of sweep a.h5 and sweep b.h5" union_equal
same_point_twice() { # sg m=1 n=2 from both files, each naming its own
  awk -F, '$5 == "sg" && $6 == 1 && $7 == 2 && $3 == "\"sg-m1-n2\"" { print $1 }' ab.csv |
    tr '\n' ' ' | grep -qx '"a.h5" "b.h5" '
}
check "sweep a.h5 b.h5: the same (sg, 1, 2) point of two files is two rows, each naming its file" \
  same_point_twice
"$SWEEP" a.h5 --format csv --classes stable,partial >cls.csv
check "--classes stable,partial: only those columns" test "$(head -1 cls.csv)" = \
  "file,experiment,run,index,alg,m,n,time,trials,done,complete,variant,stable_count,stable_fraction,stable_ci_low,stable_ci_high,partial_count,partial_fraction,partial_ci_low,partial_ci_high"
check "--classes stable,partial: values equal h5py's" $PY "$CHECK" sweep cls.csv a.h5

# 2. The other formats name every run; the JSON's counts equal the CSV's.
names_every_run() { # status, output
  local r
  [ "$1" -eq 0 ] || return 1
  for r in sg-m1-n2 ema-m1-n2 sg-m2-n3 sg-m2-n4 ema-m2-n3 ema-m2-n4 sg-delta; do
    grep -q -- "$r" "$2" || return 1
  done
}
for fmt in text markdown json; do
  "$SWEEP" a.h5 b.h5 --format $fmt >ab.$fmt 2>&1
  check "$fmt table: exit 0, every run named" names_every_run $? ab.$fmt
done
json_equals_csv() {
  $PY - ab.json ab.csv <<'EOF'
import csv, json, sys
rows = json.load(open(sys.argv[1]))["rows"]
table = list(csv.DictReader(open(sys.argv[2])))
ok = len(rows) == len(table)
for j, c in zip(rows, table):
    ok &= (j["file"], j["run"], j["done"]) == (c["file"], c["run"], int(c["done"]))
    ok &= all(v["count"] == int(c[k + "_count"]) for k, v in j["classes"].items())
sys.exit(0 if ok else 1)
EOF
}
check "json table: parses, same rows and counts as the csv" json_equals_csv

# 3. An interrupted run: trials marked undone (as a kill leaves them) are not counted, the runs are
# named on stderr and marked in every format.
cp a.h5 inc.h5
$PY "$CHECK" clear-done inc.h5 sg-m1-n2 3 4 5 149
$PY "$CHECK" clear-done inc.h5 ema-m2-n4 0
"$SWEEP" inc.h5 --format csv >inc.csv 2>inc.err
check "incomplete file: tabulated (exit 0)" test $? -eq 0
check "incomplete file: counts of the done trials equal h5py's" $PY "$CHECK" sweep inc.csv inc.h5
check "incomplete file: both runs named on stderr with done/trials" \
  grep -q "sg-m1-n2 is incomplete (146 of 150" inc.err
check "incomplete file: ema-m2-n4 named too" grep -q "ema-m2-n4 is incomplete (59 of 60" inc.err
"$SWEEP" inc.h5 >inc.txt 2>/dev/null
check "incomplete file, text: marked" grep -q "146/150\*" inc.txt
check "incomplete file, text: file said INCOMPLETE" grep -q "INCOMPLETE" inc.txt

# 4. --ranks: per run the ranks of its partial limits (count, fraction, Wilson interval; mean rank
# / m and its interval) against h5py, in every format, an incomplete file's done trials only.
"$SWEEP" a.h5 b.h5 --ranks --format csv >ranks.csv 2>ranks.err
check "--ranks a.h5 b.h5: exit 0, nothing on stderr" test $? -eq 0 -a ! -s ranks.err
check "--ranks a.h5 b.h5: counts, fractions, intervals, means and order equal h5py's" \
  $PY "$RANKS" sweep ranks.csv a.h5 b.h5
two_ranks() { # the m = 3 run's partial limits have ranks 1 and 2: two lines
  [ "$(awk -F, '$3 == "\"sg-m3-n4\"" && $18 != "" { print $18 }' ranks.csv | tr '\n' ' ')" = "1 2 " ]
}
check "--ranks: sg-m3-n4 has partial limits of rank 1 and 2 (two lines)" two_ranks
"$SWEEP" inc.h5 --ranks --format csv >inc-ranks.csv 2>inc-ranks.err
check "--ranks, incomplete file: the done trials' ranks equal h5py's" \
  $PY "$RANKS" sweep inc-ranks.csv inc.h5
check "--ranks, incomplete file: named on stderr" grep -q "sg-m1-n2 is incomplete (146 of 150" inc-ranks.err
for fmt in text markdown json; do
  "$SWEEP" a.h5 b.h5 --ranks --format $fmt >ranks.$fmt 2>&1
  check "--ranks, $fmt: exit 0, every run named" names_every_run $? ranks.$fmt
done
ranks_json_equals_csv() {
  $PY - ranks.json ranks.csv <<'EOF'
import csv, json, sys
rows = json.load(open(sys.argv[1]))["rows"]
got = [(r["file"], r["run"], r["partial"], k["rank"], k["count"]) for r in rows for k in r["ranks"]]
want = [(c["file"], c["run"], int(c["partial"]), int(c["rank"]), int(c["count"]))
        for c in csv.DictReader(open(sys.argv[2])) if c["rank"]]
sys.exit(0 if got == want and got else 1)
EOF
}
check "--ranks, json: parses, the same ranks and counts as the csv" ranks_json_equals_csv
check "--ranks, text: the m = 3 run's second rank on a line of its own" \
  grep -Eq '^ +2 +[0-9]+  [0-9.]+% \[' ranks.text
check "--ranks with --classes: exit 2" fails_cleanly 2 "--ranks and --classes" \
  "$SWEEP" a.h5 --ranks --classes stable

# 5. Bad files and command lines.
check "missing file: exit 1, named" fails_cleanly 1 "nothere.h5: cannot open" "$SWEEP" nothere.h5
check "a missing file among good ones: exit 1, named" \
  fails_cleanly 1 "nothere.h5: cannot open" "$SWEEP" a.h5 nothere.h5 b.h5
head -c 5000 a.h5 >trunc.h5
check "truncated copy (5000 bytes): exit 1, named" fails_cleanly 1 "trunc.h5:" "$SWEEP" trunc.h5
head -c $(($(stat -c %s a.h5) / 2)) a.h5 >half.h5
check "truncated copy (half): exit 1, named" fails_cleanly 1 "half.h5:" "$SWEEP" a.h5 half.h5
h5copy -i a.h5 -o foreign.h5 -s /runs/sg-m1-n2/done -d /data
check "foreign HDF5 file: exit 1, named" \
  fails_cleanly 1 "foreign.h5: not an sgema results file" "$SWEEP" foreign.h5
echo "not HDF5 at all" >text.h5
check "not an HDF5 file: exit 1, named" fails_cleanly 1 "text.h5: not an HDF5 file" "$SWEEP" text.h5
check "bad --format: exit 2, named" fails_cleanly 2 "'xml'" "$SWEEP" a.h5 --format xml
check "bad --classes: exit 2, named" fails_cleanly 2 "'stabel'" "$SWEEP" a.h5 --classes stabel
check "no file: exit 2" fails_cleanly 2 "no results file" "$SWEEP"

finish

#!/bin/bash
# sgema-export end to end: the rows it selects (--class, --where, --limit) are those an independent
# h5py selection picks, with every value bit for bit and the header's names
# (tests/analysis/check_tables.py); chunk boundaries change nothing; the sgema-trial commands it
# prints re-run trials to the same class and y_end bit for bit; an interrupted run exports its done
# trials; bad files, runs, classes and expressions fail cleanly.
#   test_export.sh SGEMA_EXPORT SGEMA_TRIAL SGEMA_RUN SOURCE_DIR WORK_DIR
set -u
EXPORT=$1
TRIAL=$2
RUN=$3
SRC=$4
WORK=$5
PY=/usr/bin/python3
CHECK=$SRC/tests/analysis/check_tables.py
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

rows() { echo $(($(wc -l <"$1") - 1)); }

$MPIRUN -np 2 "$RUN" "$SRC/tests/analysis/sweep-a.yaml" -o a.h5 --quiet >run.out 2>&1
check "run sweep-a.yaml: exit 0" test $? -eq 0

# 1. Selections against h5py's, value by value. Each filter selects some rows but not all.
some_but_not_all() { # csv, run's done trials
  local n
  n=$(rows "$1")
  [ "$n" -gt 0 ] && [ "$n" -lt "$2" ] || { echo "     $n rows of $2"; return 1; }
}
"$EXPORT" a.h5 --run sg-m1-n2 >all.csv
check "no filter: every done trial (150)" test "$(rows all.csv)" -eq 150
check "no filter: header and values equal h5py's" $PY "$CHECK" export all.csv a.h5 sg-m1-n2
"$EXPORT" a.h5 --run sg-m1-n2 --where 'delta > 0.1' >w1.csv
check "--where 'delta > 0.1': some rows" some_but_not_all w1.csv 150
check "--where 'delta > 0.1': rows and values equal h5py's" \
  $PY "$CHECK" export w1.csv a.h5 sg-m1-n2 --where "d['delta'] > 0.1"
"$EXPORT" a.h5 --run ema-m2-n4 --class partial,origin \
  --where 'a_norm < 0.5 or not (t_end < 1000 and steps >= 100)' >w2.csv
check "--class partial,origin --where with or, not, and, parentheses: some rows" \
  some_but_not_all w2.csv 60
check "--class partial,origin --where ...: rows and values equal h5py's" \
  $PY "$CHECK" export w2.csv a.h5 ema-m2-n4 --class partial,origin \
  --where "(d['a_norm'] < 0.5) | ~((d['t_end'] < 1000) & (d['steps'] >= 100))"
"$EXPORT" a.h5 --run sg-delta --where 'sphere == S2 and draws != 1 and y0_B_1_0 <= -0.25' >w3.csv
check "--where on an enum by name, an int and a matrix element: some rows" \
  some_but_not_all w3.csv 100
check "--where on an enum, an int and a matrix element: rows and values equal h5py's" \
  $PY "$CHECK" export w3.csv a.h5 sg-delta \
  --where "(d['sphere'] == 2) & (d['draws'] != 1) & (d['y0_B_1_0'] <= -0.25)"
"$EXPORT" a.h5 --run sg-m2-n3 --class stable --limit 5 >w4.csv
check "--class stable --limit 5: rows and values equal h5py's first five" \
  $PY "$CHECK" export w4.csv a.h5 sg-m2-n3 --class stable --limit 5
check "--limit 5: five rows" test "$(rows w4.csv)" -eq 5
"$EXPORT" a.h5 --run ema-m2-n4 --class partial,origin \
  --where 'a_norm < 0.5 or not (t_end < 1000 and steps >= 100)' --chunk-rows 7 >w2-small.csv
check "chunks of 7 rows: the same bytes as one chunk" cmp -s w2.csv w2-small.csv
"$EXPORT" a.h5 --run sg-m2-n3 --class stable --limit 5 --chunk-rows 3 -o w4-small.csv
check "chunks of 3 rows with --limit and -o FILE: the same bytes" cmp -s w4.csv w4-small.csv
"$EXPORT" a.h5 --run sg-m1-n2 --where 'delta > 1e9' >none.csv
check "a filter that selects nothing: the header alone" test "$(wc -l <none.csv)" -eq 1

# 2. Re-running exported trials with the printed commands: same class, same y_end bit for bit.
rerun() { # run, filter options...
  local run=$1
  shift
  "$EXPORT" a.h5 --run "$run" "$@" >rerun.csv &&
    "$EXPORT" a.h5 --run "$run" "$@" --commands --program "$TRIAL" >rerun.sh || return 1
  [ "$(wc -l <rerun.sh)" -eq "$(rows rerun.csv)" ] || return 1
  while read -r line; do eval "$line --compact" || return 1; done <rerun.sh >rerun.jsonl
  $PY "$CHECK" rerun rerun.csv rerun.jsonl
}
check "re-run: sg-m1-n2, a stable and an origin trial" rerun sg-m1-n2 --where 'trial == 0 or trial == 1'
check "re-run: ema-m2-n4, two partial trials" rerun ema-m2-n4 --class partial --limit 2
check "re-run: sg-delta (conditioned sampling), two trials with draws > 1" \
  rerun sg-delta --where 'draws > 1' --limit 2
check "the commands name every setting" grep -q -- "--invariant-window 1000 --trial" rerun.sh

# 3. An interrupted run: only done trials are exported, and stderr says the run is incomplete.
cp a.h5 inc.h5
$PY "$CHECK" clear-done inc.h5 sg-m1-n2 0 7 149
"$EXPORT" inc.h5 --run sg-m1-n2 >inc.csv 2>inc.err
check "incomplete run: exported (exit 0)" test $? -eq 0
check "incomplete run: said so on stderr" grep -q "sg-m1-n2 is incomplete (147 of 150" inc.err
check "incomplete run: the 147 done trials, values equal h5py's" \
  $PY "$CHECK" export inc.csv inc.h5 sg-m1-n2
check "incomplete run: trials 0, 7, 149 left out" \
  test -z "$(cut -d, -f1 inc.csv | grep -xE '0|7|149')"

# 4. Bad files, runs and command lines: one line naming the culprit; 1 for files, 2 for usage.
# A format-1 file (before failed trials were recorded: no outputs/status) exports without the status
# column, every other column as before; sgema-run refuses to resume it.
cp a.h5 v1.h5
$PY - v1.h5 <<'EOF'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    f.attrs["format_version"] = np.int32(1)
    for r in f["runs"]:
        del f["runs"][r]["outputs/status"]
EOF
"$EXPORT" v1.h5 --run sg-m1-n2 >v1.csv 2>v1.err
without_status() { # the CSV without its status column
  awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "status") c = i }
    { if (c) { for (i = c; i < NF; i++) $i = $(i + 1); NF-- } print }' "$1"
}
check "format 1: exported, no status column, every other column as in format 2" \
  test -s v1.csv -a "$(without_status all.csv | md5sum)" = "$(md5sum <v1.csv)" -a \
  "$(head -1 all.csv | grep -c ',status,')" -eq 1
check "format 1: --resume refused, versions named" fails_cleanly 1 "has format version 1; this program writes version 3" \
  "$RUN" "$SRC/tests/analysis/sweep-a.yaml" -o v1.h5 --resume --quiet

check "missing file: exit 1, named" fails_cleanly 1 "nothere.h5: cannot open" \
  "$EXPORT" nothere.h5 --run sg-m1-n2
head -c 5000 a.h5 >trunc.h5
check "truncated file: exit 1, named" fails_cleanly 1 "trunc.h5:" "$EXPORT" trunc.h5 --run sg-m1-n2
h5copy -i a.h5 -o foreign.h5 -s /runs/sg-m1-n2/done -d /data
check "foreign HDF5 file: exit 1, named" fails_cleanly 1 "foreign.h5: not an sgema results file" \
  "$EXPORT" foreign.h5 --run sg-m1-n2
echo "not HDF5 at all" >text.h5
check "not an HDF5 file: exit 1, named" fails_cleanly 1 "text.h5: not an HDF5 file" \
  "$EXPORT" text.h5 --run sg-m1-n2
check "unknown run: exit 1, named, the runs listed" \
  fails_cleanly 1 "no run named 'nosuch'; its runs are: sg-m1-n2 ema-m1-n2" \
  "$EXPORT" a.h5 --run nosuch
check "no --run: exit 2" fails_cleanly 2 "--run NAME is required" "$EXPORT" a.h5
check "bad --class: exit 2, named" fails_cleanly 2 "'stabel' is not one of origin|stable" \
  "$EXPORT" a.h5 --run sg-m1-n2 --class stabel
check "bad --where syntax (no operator): exit 2, where" \
  fails_cleanly 2 "comparison operator (< <= > >= == !=) expected after 'delta' at character 7" \
  "$EXPORT" a.h5 --run sg-m1-n2 --where 'delta 0.1'
check "bad --where syntax (dangling and): exit 2" fails_cleanly 2 "unexpected end" \
  "$EXPORT" a.h5 --run sg-m1-n2 --where 'delta > 0.1 and'
check "bad --where syntax (unclosed parenthesis): exit 2" fails_cleanly 2 "')' expected" \
  "$EXPORT" a.h5 --run sg-m1-n2 --where '(delta > 0.1'
check "unknown --where field: exit 2, named, the fields listed" \
  fails_cleanly 2 "unknown field 'detla' (character 1); the fields of run sg-m1-n2 are: trial lambda" \
  "$EXPORT" a.h5 --run sg-m1-n2 --where 'detla > 0.1'
check "--where value not a number: exit 2, named" fails_cleanly 2 "'0.1x' is not a number" \
  "$EXPORT" a.h5 --run sg-m1-n2 --where 'delta > 0.1x'
check "--where enum value unknown: exit 2, the names listed" \
  fails_cleanly 2 "'S3' is not a sphere (character 11): one of none|S1|S2" \
  "$EXPORT" a.h5 --run sg-m1-n2 --where 'sphere == S3'
check "bad --limit: exit 2" fails_cleanly 2 "--limit" "$EXPORT" a.h5 --run sg-m1-n2 --limit 0
check "unwritable -o: exit 1, named" fails_cleanly 1 "nodir/out.csv: cannot write" \
  "$EXPORT" a.h5 --run sg-m1-n2 -o nodir/out.csv

finish

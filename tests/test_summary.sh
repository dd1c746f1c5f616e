#!/bin/bash
# sgema-summary end to end: its counts equal h5dump's (a reader that shares none of its code), Wilson
# intervals equal hand-computed values, bad files and run names fail with status 1 and the file
# named, and a file from an interrupted run is summarised with its incomplete runs named.
#   test_summary.sh SGEMA_SUMMARY SGEMA_RUN SOURCE_DIR WORK_DIR
set -u
SUM=$1
RUN=$2
SRC=$3
WORK=$4
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

# A dataset's values one per line, from h5dump's text (enums print as their names).
values() { # file, dataset
  h5dump -y -w 1 -d "$2" "$1" |
    awk '/^ *DATA \{/ { on = 1; next } on && /^ *\}/ { on = 0 } on { gsub(/[ ,]/, ""); if ($0 != "") print }'
}
# How many done rows of run $2 have value $4 in dataset $3, counted from h5dump alone.
h5count() { # file, run, dataset, value
  paste -d' ' <(values "$1" "/runs/$2/done") <(values "$1" "/runs/$2/$3") |
    awk -v v="$4" '$1 == 1 && $2 == v { n++ } END { print n + 0 }'
}
# Column $3 of the csv row (run $2, quantity $4) of csv file $1; run names are quoted.
csvfield() { # csv, run, column, quantity
  awk -F, -v r="\"$2\"" -v q="$4" -v c="$3" '$1 == r && $2 == q { print $c }' "$1"
}
# Every class count (and for m = 1 every sphere count, and the done count) of the summary's csv
# equal to h5dump's.
counts_match() { # file, csv, run
  local ok=0 c s want got
  want=$(values "$1" "/runs/$3/done" | awk '$1 == 1 { n++ } END { print n + 0 }')
  got=$(csvfield "$2" "$3" 3 trials_done)
  [ "$want" = "$got" ] || { echo "     $3 done: h5dump $want, summary $got"; ok=1; }
  for c in origin stable saddle partial not_converged diverged; do
    want=$(h5count "$1" "$3" outputs/class "$c")
    got=$(csvfield "$2" "$3" 3 "class.$c")
    [ "$want" = "$got" ] || { echo "     $3 $c: h5dump $want, summary $got"; ok=1; }
  done
  if [ -n "$(csvfield "$2" "$3" 3 sphere.S2)" ]; then
    for s in none S1 S2; do
      want=$(h5count "$1" "$3" outputs/sphere "$s")
      got=$(csvfield "$2" "$3" 3 "sphere.$s")
      [ "$want" = "$got" ] || { echo "     $3 sphere $s: h5dump $want, summary $got"; ok=1; }
    done
  fi
  return $ok
}
# A command fails with status 1 and one line on stderr that names the file.
fails_cleanly() { # file, expected message part, command...
  local file=$1 part=$2 status
  shift 2
  "$@" >fail.out 2>fail.err
  status=$?
  [ $status -eq 1 ] && [ "$(wc -l <fail.err)" -eq 1 ] && grep -qF "$file" fail.err &&
    grep -qF "$part" fail.err || { echo "     status $status: $(cat fail.err)"; return 1; }
}

# 1. Counts against h5dump on the smoke experiment.
$MPIRUN -np 2 "$RUN" "$SRC/experiments/smoke.yaml" -o smoke.h5 --quiet >run.out 2>&1
check "smoke run: exit 0" test $? -eq 0
"$SUM" smoke.h5 --format csv >smoke.csv 2>smoke.err
check "csv summary: exit 0" test $? -eq 0
runs=$(awk -F, '$2 == "trials_done" { gsub(/"/, "", $1); print $1 }' smoke.csv)
check "csv summary: five runs" test "$(echo "$runs" | wc -w)" -eq 5
for r in $runs; do
  check "run $r: done, class (and sphere) counts equal h5dump's" counts_match smoke.h5 smoke.csv "$r"
done
names_every_run() { # status, file
  local r
  [ "$1" -eq 0 ] || return 1
  for r in $runs; do
    grep -q -- "$r" "$2" || return 1
  done
}
for fmt in text json markdown; do
  "$SUM" smoke.h5 --format $fmt >smoke.$fmt 2>&1
  check "$fmt summary: exit 0, every run named" names_every_run $? smoke.$fmt
done
if [ -x /usr/bin/python3 ]; then
  check "json summary parses as JSON" /usr/bin/python3 -m json.tool smoke.json smoke.json.check
fi
"$SUM" smoke.h5 --run ema-m1-n2 --format csv >one.csv 2>&1
check "--run ema-m1-n2: only that run" test "$(awk -F, 'NR > 1 && $1 != "\"\"" { print $1 }' one.csv |
  sort -u)" = '"ema-m1-n2"'

# 2. Wilson intervals against values by hand: centre (k + z^2/2) / (N + z^2), half-width
# z / (N + z^2) sqrt(k (N - k) / N + z^2 / 4), z = 1.959963984540054. At k = 0 the interval is
# [0, z^2 / (N + z^2)], at k = N [N / (N + z^2), 1].
wilson_is() { # k, N, lo, hi
  "$SUM" --wilson "$1" "$2" | awk -v lo="$3" -v hi="$4" \
    'function d(a, b) { return a > b ? a - b : b - a } { exit !(d($1, lo) < 1e-12 && d($2, hi) < 1e-12) }'
}
check "wilson 0 of 10 = [0, 0.277533]" wilson_is 0 10 0 0.2775327998628892
check "wilson 10 of 10 = [0.722467, 1]" wilson_is 10 10 0.7224672001371107 1
check "wilson 3 of 10 = [0.107791, 0.603222]" wilson_is 3 10 0.10779126740630099 0.6032218525388546
check "wilson 50 of 100 = [0.403832, 0.596168]" wilson_is 50 100 0.4038315303659956 0.5961684696340044
check "wilson 1 of 1 = [0.206549, 1]" wilson_is 1 1 0.20654931437723745 1
check "wilson 0 of 1 = [0, 0.793451]" wilson_is 0 1 0 0.7934506856227626
check "wilson 820 of 1000 = [0.794978, 0.842573]" wilson_is 820 1000 0.7949777670979878 0.8425731074712568
check "wilson k = 0 and k = N: the ends exactly 0 and 1" \
  test "$("$SUM" --wilson 0 7 | cut -d' ' -f1) $("$SUM" --wilson 7 7 | cut -d' ' -f2)" = "0 1"
"$SUM" --wilson 5 3 >/dev/null 2>&1
check "wilson K > N: exit 2" test $? -eq 2

# 3. Bad files, run names and options.
check "missing file: exit 1, named" fails_cleanly nothere.h5 "cannot open" "$SUM" nothere.h5
head -c 5000 smoke.h5 >trunc.h5
check "truncated copy (5000 bytes): exit 1, named" fails_cleanly trunc.h5 "trunc" "$SUM" trunc.h5
head -c $(($(stat -c %s smoke.h5) / 2)) smoke.h5 >half.h5
check "truncated copy (half): exit 1, named" fails_cleanly half.h5 "half" "$SUM" half.h5
h5copy -i smoke.h5 -o foreign.h5 -s /runs/sg-m1-n2/done -d /data
check "foreign HDF5 file: exit 1, named" fails_cleanly foreign.h5 "not an sgema results file" \
  "$SUM" foreign.h5
echo "not HDF5 at all" >text.h5
check "not an HDF5 file: exit 1, named" fails_cleanly text.h5 "not an HDF5 file" "$SUM" text.h5
check "unknown --run: exit 1, named" fails_cleanly smoke.h5 "no run named 'nosuch'" \
  "$SUM" smoke.h5 --run nosuch
"$SUM" smoke.h5 --format xml >/dev/null 2>&1
check "bad --format: exit 2" test $? -eq 2
"$SUM" >/dev/null 2>&1
check "no file: exit 2" test $? -eq 2

# 4. An interrupted run: SIGUSR1 through mpirun, exit 75, then a summary of what is there.
$MPIRUN -np 2 "$RUN" "$SRC/experiments/paper-m1.yaml" -o part.h5 --quiet --flush-seconds 0.2 \
  >part.out 2>&1 &
pid=$!
# Signal only once the results file exists (the processes are up and have their handlers), and
# early enough that the 40,000 trials are not all done.
for _ in $(seq 100); do [ -e part.h5 ] && break; sleep 0.05; done
sleep 0.3
kill -USR1 "$pid"
wait "$pid"
status=$?
check "interrupted paper-m1: exit 75 (status $status)" test $status -eq 75
"$SUM" part.h5 >part.txt 2>part.err
check "incomplete file: summarised (exit 0)" test $? -eq 0
check "incomplete file: said so" grep -q "INCOMPLETE" part.txt
incomplete_named() {
  local r done line
  for r in sg ema sg-delta ema-delta; do
    done=$(values part.h5 "/runs/$r/done" | awk '$1 == 1 { n++ } END { print n + 0 }')
    [ "$done" -eq 10000 ] && continue
    line=$(grep '^incomplete ' part.txt)
    echo "$line" | grep -qF " $r ($done/10000)" || { echo "     $r ($done/10000) not in: $line"; return 1; }
  done
}
check "incomplete file: every incomplete run named with done/total" incomplete_named
"$SUM" part.h5 --format csv >part.csv 2>&1
for r in sg ema; do
  check "incomplete file, run $r: counts of the done rows equal h5dump's" counts_match part.h5 part.csv "$r"
done

# 5. The Figure 4 number (recorded trajectories along which Ebar, and for EMA Fbar, rises by more
# than 1e-9 of its largest |value| between recorded points) against h5py's (tests/fig4_rises.py).
if [ -x /usr/bin/python3 ]; then
  fig4_matches() { # file, csv
    local run rec e fb got ok=0 lines=0
    while read -r run rec e fb; do
      lines=$((lines + 1))
      got="$(csvfield "$2" "$run" 3 trajectories.recorded) $(csvfield "$2" "$run" 3 trajectories.ebar_rises)"
      got="$got $(csvfield "$2" "$run" 3 trajectories.fbar_rises)"
      [ "$fb" = "-" ] && fb=""
      [ "$(echo $got)" = "$(echo $rec $e $fb)" ] || { echo "     $run: h5py $rec $e $fb, summary $got"; ok=1; }
    done < <(/usr/bin/python3 "$SRC/tests/fig4_rises.py" "$1")
    [ $lines -gt 0 ] || { echo "     no run with recorded trajectories"; ok=1; }
    return $ok
  }
  check "smoke: Figure 4 counts (recorded, Ebar and Fbar rises) equal h5py's" fig4_matches smoke.h5 smoke.csv
  check "text summary: the Figure 4 lines" grep -q "Ebar rises" smoke.text
  check "json summary: the Figure 4 object" grep -q '"ebar_rises"' smoke.json
fi

finish

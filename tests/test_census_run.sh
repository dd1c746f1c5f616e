#!/bin/bash
# Census runs (kind: census) end to end: the same file for 1, 2 and 3 processes (h5diff); at
# m = 1 every data set's equilibria are MODEL.md's closed forms from the stored statistics (a
# check in Python on h5dump's text); at m = 2 each data set's counts equal the census library's
# called directly (census_direct), and so are sgema-summary's; sgema-export writes what the file
# holds; a run killed at random moments and resumed equals an
# uninterrupted one; data sets of seconds are written every --flush-seconds; a stop request inside
# a data set takes effect within seconds; the equilibria that do not fit are counted, not dropped.
#   test_census_run.sh SGEMA_RUN CENSUS_DIRECT SGEMA_SUMMARY SGEMA_EXPORT SOURCE_DIR WORK_DIR
set -u
RUN=$1
DIRECT=$2
SUMMARY=$3
EXPORT=$4
SRC=$5
WORK=$6
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
T=$SRC/tests/census_run

same_runs() { h5diff -q "$1" "$2" /runs /runs; }
values() { # file, dataset: one value per line
  h5dump -m %.17g -y -w 1 -d "$2" "$1" |
    awk '/^ *DATA \{/ { on = 1; next } on && /^ *\}/ { on = 0 } on { gsub(/[ ,]/, ""); if ($0 != "") print }'
}

# 1. Independence of the number of processes.
$MPIRUN -np 1 "$RUN" "$T/m1.yaml" -o p1.h5 --quiet >p1.out 2>p1.err
check "census run, 1 process: exit 0" test $? -eq 0
for p in $(quick_or "2 3" 2); do
  $MPIRUN -np $p "$RUN" "$T/m1.yaml" -o p$p.h5 --quiet --chunk 7 >p$p.out 2>p$p.err
  check "census run, $p processes: exit 0" test $? -eq 0
  check "census run, $p processes: /runs identical to 1 process (h5diff)" same_runs p1.h5 p$p.h5
done
check "census runs in the runner's summary" grep -q "sg-m1: census of sg m=1 n=2, 300 of 300" p1.out

# 2. m = 1: MODEL.md's closed forms, for SG and EMA.
mkdir -p dump
for run in sg-m1 ema-m1; do
  for ds in inputs/Sxx inputs/Syx inputs/lambda census/counts census/stored equilibria/S \
    equilibria/class equilibria/rank; do
    values p1.h5 "/runs/$run/$ds" >"dump/$run.$(basename $ds)"
  done
  python3 "$T/m1_check.py" dump "$run" >m1_$run.txt 2>&1
  status=$?
  check "$run: every data set's equilibria are the closed forms ($(tail -1 m1_$run.txt))" \
    test $status -eq 0
done

# 3. m = 2: each data set's counts and classes equal the library's, called directly.
direct_vs_file() { # run, stream, alg, m, n, sets, alpha
  "$DIRECT" 4242 "$2" "$3" "$4" "$5" generic "$6" "$7" >direct_full_$1.txt
  cut -d' ' -f2-5 direct_full_$1.txt >direct_$1.txt
  values p1.h5 "/runs/$1/census/counts" | paste -d' ' - - - - >file_$1.txt
  cmp -s direct_$1.txt file_$1.txt && [ "$(wc -l <file_$1.txt)" -eq "$6" ]
}
check "sg-m2: counts by kind equal sgema_census_run's" direct_vs_file sg-m2 2 sg 2 3 120 0.9
check "ema-m2: counts by kind equal sgema_census_run's" direct_vs_file ema-m2 3 ema 2 4 60 0.9
# Equilibria beyond max_equilibria (3 for ema-m2) are counted in overflow: stored + overflow =
# equilibria = psd + pd, for every data set.
paste -d' ' <(values p1.h5 /runs/ema-m2/census/stored) <(values p1.h5 /runs/ema-m2/census/overflow) \
  <(values p1.h5 /runs/ema-m2/census/equilibria) file_ema-m2.txt >overflow.txt
check "ema-m2: stored + overflow = equilibria = psd + pd, stored <= 3" \
  awk '$1 + $2 != $3 || $3 != $6 + $7 || $1 > 3 { bad++ } END { exit bad > 0 }' overflow.txt
check "ema-m2: some data set overflows its 3 slots" awk '$2 > 0 { n++ } END { exit n == 0 }' \
  overflow.txt

# sgema-summary of sg-m2 (every equilibrium stored): the distribution of PD solutions, the classes
# of the equilibria of rank >= 1 and the data sets with a saddle, as the library's own counts.
"$SUMMARY" p1.h5 --format csv --run sg-m2 >summary_m2.csv 2>&1
check "sgema-summary of a census run: exit 0" test $? -eq 0
awk '{ pd[$5]++; st += $6; sa += $7; de += $8; if ($7 > 0) ss++ }
     END { for (k in pd) print "pd_solutions." k, pd[k]; print "stable", st; print "saddle", sa;
           print "degenerate", de; print "sets_with_saddle", ss + 0 }' direct_full_sg-m2.txt |
  sort >want_m2.txt
awk -F, '$2 ~ /^pd_solutions\./ || $2 == "sets_with_saddle" { print $2, $3 }
         $2 ~ /^rank[1-9]\./ { split($2, q, "."); n[q[2]] += $3 }
         END { for (c in n) print c, n[c] }' summary_m2.csv | sort >got_m2.txt
check "sgema-summary of sg-m2: PD distribution, classes and saddle sets equal the library's" \
  cmp -s want_m2.txt got_m2.txt
"$SUMMARY" p1.h5 --format json >summary.json 2>&1
check "sgema-summary --format json of census runs: valid JSON" python3 -m json.tool summary.json

# sgema-export of a census run: per data set the counts h5dump shows; per equilibrium as many rows
# as census/stored says, each with m x m entries of S.
"$EXPORT" p1.h5 --run ema-m2 -o ema-m2.csv >export.out 2>&1
check "sgema-export of a census run: exit 0" test $? -eq 0
tail -n +2 ema-m2.csv | cut -d, -f13-16 | tr , ' ' >export_counts.txt
check "sgema-export of a census run: the counts by kind are the file's" \
  cmp -s export_counts.txt file_ema-m2.txt
"$EXPORT" p1.h5 --run ema-m2 --equilibria >ema-m2-eq.csv 2>&1
check "sgema-export --equilibria: one row per stored equilibrium, with S" \
  test "$(tail -n +2 ema-m2-eq.csv | awk -F, 'NF == 15' | wc -l)" -eq \
  "$(values p1.h5 /runs/ema-m2/census/stored | awk '{ n += $1 } END { print n }')"

# 4. Kill at random moments, resume until complete, compare with an uninterrupted run.
$MPIRUN -np 2 "$RUN" "$T/kill.yaml" -o ref.h5 --quiet >ref.out 2>&1
check "kill test reference run: exit 0" test $? -eq 0
for attempt in $(quick_or "1 2" 1); do
  rm -f k.h5
  setsid $MPIRUN -np 2 "$RUN" "$T/kill.yaml" -o k.h5 --quiet --flush-seconds 0.05 >k.out 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 6 + 3))"
  kill -KILL -- -"$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  tries=0
  status=1
  while [ $tries -lt 10 ]; do
    if [ -f k.h5 ]; then
      $MPIRUN -np 2 "$RUN" "$T/kill.yaml" -o k.h5 --resume --quiet >>k.out 2>&1
    else # killed before the file was created: start afresh
      $MPIRUN -np 2 "$RUN" "$T/kill.yaml" -o k.h5 --quiet >>k.out 2>&1
    fi
    status=$?
    [ $status -eq 0 ] && break
    tries=$((tries + 1))
  done
  check "kill $attempt: resumed to completion (status $status)" test $status -eq 0
  check "kill $attempt: /runs identical to the uninterrupted run" same_runs ref.h5 k.h5
done
# SIGTERM (to the process itself: mpirun maps exit statuses): stops with 75 after writing what it
# had; --resume completes it.
"$RUN" "$T/kill.yaml" -o term.h5 --quiet >term.out 2>&1 &
pid=$!
for _ in $(seq 100); do [ -e term.h5 ] && break; sleep 0.05; done
sleep 0.2
kill -TERM "$pid"
wait "$pid"
status=$?
check "SIGTERM: exit 75 (or 0 had it finished first; status $status)" test $status -eq 75 -o $status -eq 0
$MPIRUN -np 2 "$RUN" "$T/kill.yaml" -o term.h5 --resume --quiet >>term.out 2>&1
check "SIGTERM then --resume: exit 0" test $? -eq 0
check "SIGTERM then --resume: /runs identical to the uninterrupted run" same_runs ref.h5 term.h5

# A stop request inside one data set (slow.yaml: minutes each): a heartbeat names the data set
# while it runs, SIGUSR1 stops the run within seconds (the census polls it along its paths), exit
# 75 with no row done; the lines count data sets, not trials.
setsid $MPIRUN -np 2 "$RUN" "$T/slow.yaml" -o slow.h5 --heartbeat 0.5 >slow.out 2>slow.err &
pid=$!
for _ in $(seq 300); do grep -q "running for" slow.err 2>/dev/null && break; sleep 0.1; done
check "heartbeat inside a data set: 'rank R: run sg-m4 data set K running for S s'" \
  grep -Eq "^sgema-run: rank [01]: run sg-m4 data set [0-3] running for [0-9]+ s$" slow.err
start=$(date +%s.%N)
kill -USR1 "$pid"
for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
took=$(echo "$(date +%s.%N) - $start" | bc)
kill -KILL -- -"$pid" 2>/dev/null # not stopped after 30 s: fails below
wait "$pid"
status=$?
check "SIGUSR1 inside a data set: exit 75 (status $status)" test $status -eq 75
check "SIGUSR1 inside a data set: stopped within 15 s (took $took s)" \
  test "$(echo "$took < 15" | bc)" -eq 1
check "SIGUSR1 inside a data set: no row done" \
  test "$(values slow.h5 /runs/sg-m4/done 2>/dev/null | grep -c '^1$')" -eq 0 -a -s slow.h5
check "progress and the last line count data sets" \
  grep -q "^sgema-run: 0 data sets computed in .*incomplete" slow.err

# Slow data sets are written every --flush-seconds too (flush.yaml: 2,000 of 0.1-0.3 s at m = 4):
# killed 20 s in, the file holds some; before s33 the units of work were 250 data sets and it held
# none. Timing: not under the sanitizers, where a data set takes far longer.
if [ -z "${SGEMA_TEST_QUICK:-}" ]; then
  setsid $MPIRUN -np 2 "$RUN" "$T/flush.yaml" -o flush.h5 --quiet --flush-seconds 2 \
    --chunk 1 >flush.out 2>&1 &
  pid=$!
  sleep 20
  kill -KILL -- -"$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  written=$(values flush.h5 /runs/sg-m4/done 2>/dev/null | grep -c '^1$')
  check "slow data sets (m = 4) killed after 20 s with --flush-seconds 2: some on file ($written)" \
    test "$written" -ge 5
fi

# --dry-run's estimate abandons a data set longer than its share of the ~3 s budget too (before:
# it timed the first data set whole, minutes).
start=$(date +%s.%N)
timeout -k 5 60 "$RUN" "$T/slow.yaml" --dry-run >slow-dry.yaml 2>slow-dry.err
status=$?
took=$(echo "$(date +%s.%N) - $start" | bc)
check "--dry-run of slow data sets: exit 0 within 15 s (status $status, $took s)" \
  test $status -eq 0 -a "$(echo "$took < 15" | bc)" -eq 1
check "... their cost given as a lower bound" grep -q "sg-m4: more than .* s per trial (0 timed)" \
  slow-dry.yaml

# 5. A census file is not resumed as a run of trials, nor the other way round.
sed 's/kind: census/kind: trials/' "$T/kill.yaml" >trials.yaml
$MPIRUN -np 1 "$RUN" trials.yaml -o ref.h5 --resume --quiet >kind.out 2>&1
check "a census file resumed as trials: refused (exit 1)" test $? -eq 1
check "... saying why" grep -q "census run" kind.out
finish

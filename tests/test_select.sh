#!/bin/bash
# sgema-run --runs / --select / --list-runs (a job array's share of an experiment): a selection's
# run groups equal the whole run's (h5diff), selections together hold every run, a resume must
# select the same runs, bad selections are refused before anything is written.
#   test_select.sh SGEMA_RUN SOURCE_DIR WORK_DIR
set -u
RUN=$1
SRC=$2
WORK=$3
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
SMOKE=$SRC/experiments/smoke.yaml
KILL=$SRC/tests/runner/kill.yaml
same_run() { h5diff -q "$1" "$2" "/runs/$3" "/runs/$3"; }
groups() { h5ls "$1/runs" | awk '{print $1}' | sort; }
attr() { h5dump -a "$2" "$1" | sed -n 's/^ *(0): //p'; }

# 1. --list-runs: smoke.yaml's five runs in file order (read off the file by hand).
"$RUN" "$SMOKE" --list-runs >list.out
check "--list-runs: five runs, index name alg m n trials" diff list.out - <<'X'
0 sg-m1-n2 sg 1 2 200
1 ema-m1-n2 ema 1 2 200
2 gd-m1-n2 gd 1 2 20
3 ema-discrete ema 1 2 20
4 sg-m2-n3-generic sg 2 3 20
X
"$RUN" "$SMOKE" --list-runs --select 1/2 | awk '{print $1}' | tr '\n' ' ' >list1.out
check "--list-runs --select 1/2: indices 1 3" test "$(cat list1.out)" = "1 3 "

# 2. The whole experiment, and its two halves on other numbers of processes.
$MPIRUN -np 2 "$RUN" "$SMOKE" -o full.h5 --quiet >full.out 2>&1
check "whole experiment: exit 0" test $? -eq 0
"$RUN" "$SMOKE" -o half0.h5 --select 0/2 --quiet >half0.out 2>&1
check "--select 0/2 (1 process): exit 0" test $? -eq 0
np=$(quick_or 3 2)
$MPIRUN -np $np "$RUN" "$SMOKE" -o half1.h5 --select 1/2 --quiet --chunk 5 >half1.out 2>&1
check "--select 1/2 ($np processes): exit 0" test $? -eq 0
check "--select 0/2 holds runs 0, 2, 4" test "$(groups half0.h5 | tr '\n' ' ')" = \
  "gd-m1-n2 sg-m1-n2 sg-m2-n3-generic "
check "--select 1/2 holds runs 1, 3" test "$(groups half1.h5 | tr '\n' ' ')" = "ema-discrete ema-m1-n2 "
check "the halves together hold the whole experiment's runs" test \
  "$( (groups half0.h5; groups half1.h5) | sort)" = "$(groups full.h5)"
for g in sg-m1-n2 gd-m1-n2 sg-m2-n3-generic; do
  check "$g: --select 0/2 equals the whole run (h5diff)" same_run full.h5 half0.h5 $g
done
for g in ema-m1-n2 ema-discrete; do
  check "$g: --select 1/2 equals the whole run (h5diff)" same_run full.h5 half1.h5 $g
done
check "a selected run keeps its index (ema-discrete: 3)" test \
  "$(attr half1.h5 /runs/ema-discrete/index)" = 3
check "selection attribute: --select 1/2" test "$(attr half1.h5 /selection)" = '"--select 1/2"'
check "selection attribute of a whole run: empty" test "$(attr full.h5 /selection)" = '""'
check "complete attribute of a selection: 1" test "$(attr half1.h5 /complete)" = 1
"$RUN" "$SMOKE" -o named.h5 --runs sg-m2-n3-generic,ema-m1-n2 --quiet >named.out 2>&1
check "--runs: exit 0, the two runs" test $? -eq 0 -a "$(groups named.h5 | tr '\n' ' ')" = \
  "ema-m1-n2 sg-m2-n3-generic "
check "--runs: ema-m1-n2 equals the whole run" same_run full.h5 named.h5 ema-m1-n2
check "--runs: sg-m2-n3-generic equals the whole run" same_run full.h5 named.h5 sg-m2-n3-generic
check "summary printed for the selected runs only" test \
  "$(grep -c '^[a-z].*trials$' named.out)" -eq 2

# 3. Resume: a different selection (or none) is refused and leaves the file alone; the same one
# finishes an interrupted selection, equal to the whole run.
cp half0.h5 before.h5
"$RUN" "$SMOKE" -o half0.h5 --select 1/2 --resume >res1.out 2>res1.err
check "resume with another --select: exit 1" test $? -eq 1
check "resume with another --select: says both selections" grep -q \
  "holds the runs of \`--select 0/2\` but this command asks for the runs of \`--select 1/2\`" res1.err
"$RUN" "$SMOKE" -o half0.h5 --resume >res2.out 2>res2.err
check "resume of a selection without --select: exit 1" test $? -eq 1
"$RUN" "$SMOKE" -o full.h5 --select 0/2 --resume >res3.out 2>res3.err
check "resume of a whole run with --select: exit 1, says so" test $? -eq 1 -a -n \
  "$(grep 'holds every run' res3.err)"
check "refused resumes changed nothing" same_run before.h5 half0.h5 sg-m1-n2
$MPIRUN -np 2 "$RUN" "$KILL" -o kill-full.h5 --quiet >kill-full.out 2>&1
check "kill.yaml, whole: exit 0" test $? -eq 0
$MPIRUN -np 2 "$RUN" "$KILL" -o kill-ema.h5 --runs ema --quiet >kill-ema.out 2>&1 &
pid=$!
for _ in $(seq 100); do [ -e kill-ema.h5 ] && break; sleep 0.05; done
sleep 0.3
kill -USR1 "$pid"
wait "$pid"
status=$?
check "--runs ema stopped by SIGUSR1: exit 75 (or 0 had it finished; status $status)" test \
  $status -eq 75 -o $status -eq 0
$MPIRUN -np 2 "$RUN" "$KILL" -o kill-ema.h5 --runs ema --resume --quiet >>kill-ema.out 2>&1
check "--runs ema --resume: exit 0" test $? -eq 0
check "--runs ema, interrupted and resumed, equals the whole run's ema" same_run kill-full.h5 \
  kill-ema.h5 ema

# 4. Bad selections: exit 2 with the reason, nothing written.
for bad in "--select 7/9" "--select 2/2" "--select 1" "--select -1/2" "--runs nosuch" \
  "--runs sg-m1-n2 --select 0/2"; do
  # shellcheck disable=SC2086
  "$RUN" "$SMOKE" -o bad.h5 $bad >bad.out 2>bad.err
  status=$?
  check "$bad: exit 2, one reason, nothing written" test $status -eq 2 -a ! -e bad.h5 -a \
    "$(wc -l <bad.err)" -ge 1
done
"$RUN" "$SMOKE" -o bad.h5 --runs nosuch 2>bad.err
check "--runs nosuch: names the file and the run" grep -q "smoke.yaml has no run 'nosuch'" bad.err

finish

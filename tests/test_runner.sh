#!/bin/bash
# The runner end to end: the same datasets for 1, 2, 3 and 4 processes (h5diff; the large-state
# path's for 1 and 2), a run killed (SIGKILL) at random moments and resumed equals an
# uninterrupted one, SIGUSR1 / SIGTERM stop with the "resume me" status, and a bad experiment
# file writes nothing.
#   test_runner.sh SGEMA_RUN SOURCE_DIR WORK_DIR
set -u
RUN=$1
SRC=$2
WORK=$3
. "$(dirname "$0")/check.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

same_runs() { h5diff -q "$1" "$2" /runs /runs; }

# 1. Independence of the number of processes.
$MPIRUN -np 1 "$RUN" "$SRC/experiments/smoke.yaml" -o p1.h5 --quiet >p1.out 2>p1.err
check "smoke, 1 process: exit 0" test $? -eq 0
for p in $(quick_or "2 3 4" 2); do
  $MPIRUN -np $p "$RUN" "$SRC/experiments/smoke.yaml" -o p$p.h5 --quiet --chunk 7 >p$p.out 2>p$p.err
  check "smoke, $p processes: exit 0" test $? -eq 0
  check "smoke, $p processes: /runs identical to 1 process (h5diff)" same_runs p1.h5 p$p.h5
done
"$RUN" "$SRC/experiments/smoke.yaml" -o serial.h5 --quiet >serial.out 2>&1
check "smoke without mpirun: identical to 1 process" same_runs p1.h5 serial.h5
check "summary printed" grep -q "origin" p1.out
# The large-state path (CVODE from N = 64, ARPACK from N = 100: m = 4 and 8) with the spectrum's
# columns, one trial per work unit so that the two processes interleave.
$MPIRUN -np 1 "$RUN" "$SRC/tests/runner/spectrum.yaml" -o l1.h5 --quiet >l1.out 2>&1
check "large states, 1 process: exit 0" test $? -eq 0
$MPIRUN -np 2 "$RUN" "$SRC/tests/runner/spectrum.yaml" -o l2.h5 --quiet --chunk 1 >l2.out 2>&1
check "large states, 2 processes: exit 0" test $? -eq 0
check "large states, 2 processes: /runs identical to 1 process (h5diff)" same_runs l1.h5 l2.h5
# m = 16 (issue 12): the same bits on 1 and 2 processes.
$MPIRUN -np 1 "$RUN" "$SRC/tests/runner/large.yaml" -o m1.h5 --quiet >m1.out 2>&1
check "m = 16, 1 process: exit 0" test $? -eq 0
$MPIRUN -np 2 "$RUN" "$SRC/tests/runner/large.yaml" -o m2.h5 --quiet --chunk 1 >m2.out 2>&1
check "m = 16, 2 processes: exit 0" test $? -eq 0
check "m = 16, 2 processes: /runs identical to 1 process (h5diff)" same_runs m1.h5 m2.h5

# 2. Kill at random moments, resume until complete, compare with an uninterrupted run.
$MPIRUN -np 2 "$RUN" "$SRC/tests/runner/kill.yaml" -o ref.h5 --quiet >ref.out 2>&1
check "kill test reference run: exit 0" test $? -eq 0
for attempt in $(quick_or "1 2 3" 1); do
  rm -f k.h5
  setsid $MPIRUN -np 2 "$RUN" "$SRC/tests/runner/kill.yaml" -o k.h5 --quiet --flush-seconds 0.05 \
    >k.out 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 8 + 2))"
  kill -KILL -- -"$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  tries=0
  status=1
  while [ $tries -lt 10 ]; do
    if [ -f k.h5 ]; then
      $MPIRUN -np 2 "$RUN" "$SRC/tests/runner/kill.yaml" -o k.h5 --resume --quiet >>k.out 2>&1
    else # killed before the file was created: start afresh
      $MPIRUN -np 2 "$RUN" "$SRC/tests/runner/kill.yaml" -o k.h5 --quiet >>k.out 2>&1
    fi
    status=$?
    [ $status -eq 0 ] && break
    tries=$((tries + 1))
  done
  check "kill $attempt: resumed to completion (status $status)" test $status -eq 0
  check "kill $attempt: /runs identical to the uninterrupted run" same_runs ref.h5 k.h5
done

# 3. SIGUSR1 through mpirun (which forwards it; SLURM's --signal=B:USR1 is how batch jobs get the
# warning) and SIGTERM to a process run without mpirun (as srun delivers it): finish the trials in
# flight, write, exit 75; --resume completes the run.
for how in usr1 term; do
  rm -f $how.h5
  if [ $how = usr1 ]; then
    $MPIRUN -np 2 "$RUN" "$SRC/tests/runner/kill.yaml" -o $how.h5 --quiet >$how.out 2>&1 &
  else
    "$RUN" "$SRC/tests/runner/kill.yaml" -o $how.h5 --quiet >$how.out 2>&1 &
  fi
  pid=$!
  for _ in $(seq 100); do [ -e $how.h5 ] && break; sleep 0.05; done
  sleep 0.3
  kill -"$(echo $how | tr a-z A-Z)" "$pid"
  wait "$pid"
  status=$?
  check "$how: exit 75 (or 0 had it finished first; status $status)" test $status -eq 75 -o $status -eq 0
  $MPIRUN -np 2 "$RUN" "$SRC/tests/runner/kill.yaml" -o $how.h5 --resume --quiet >>$how.out 2>&1
  check "$how then --resume: exit 0" test $? -eq 0
  check "$how then --resume: /runs identical to the uninterrupted run" same_runs ref.h5 $how.h5
done

# 4. A bad experiment file: exit 2, every problem listed, nothing written.
printf 'experiment: bad\nseed: 1\nruns:\n  - {name: a, alg: sg, m: 2, n: 2, trials: 0}\n' >bad.yaml
"$RUN" bad.yaml -o bad.h5 >bad.out 2>bad.err
status=$?
check "bad file: exit 2" test $status -eq 2
check "bad file: the problems named with line and key" grep -q "bad.yaml:4:" bad.err
check "bad file: nothing written" test ! -e bad.h5
# 5. An existing results file is not overwritten without --resume.
"$RUN" "$SRC/experiments/smoke.yaml" -o p1.h5 --quiet >exists.out 2>exists.err
check "existing file without --resume: refused (exit 1)" test $? -eq 1
check "existing file without --resume: still identical" same_runs p1.h5 p2.h5

finish

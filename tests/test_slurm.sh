#!/bin/bash
# The SLURM jobs (jobs/) against a real single-node SLURM started here from Debian's packages:
# reproduce-paper.sbatch under srun --mpi=pmix and under mpirun, sweep-m.sbatch as a job array
# read back together, and a job driven through a real time-limit warning, its checkpoint and its
# requeues to an end equal to an uninterrupted run's. Results are checked against sgema-run run
# directly (h5diff), SLURM's own records (scontrol) and h5dump. Skips (77) when not root or when
# munged, slurmctld or slurmd are not installed. Stops only the daemons it started.
#   test_slurm.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -u
BUILD=$1
SRC=$2
WORK=$3
HERE=$(cd "$(dirname "$0")" && pwd)

skip() {
  echo "SKIP: $*"
  exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root: it starts munged, slurmctld and slurmd"
for prog in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd; do
  [ -x $prog ] || skip "$prog is not installed (packages munge slurmctld slurmd slurm-client)"
done
for prog in sbatch scontrol squeue sinfo scancel srun mungekey setpriv h5diff h5dump; do
  command -v $prog >/dev/null || skip "$prog is not installed"
done
getent passwd munge >/dev/null || skip "no munge user (package munge)"

. "$HERE/check.sh"
. "$HERE/slurm/cluster.sh"
rm -rf "$WORK"
mkdir -p "$WORK/results" || exit 1
cd "$WORK" || exit 1
trap cluster_stop EXIT
trap 'exit 1' INT TERM HUP

RUN=$BUILD/sgema-run
SUMMARY=$BUILD/analysis/sgema-summary
SWEEP=$BUILD/analysis/sgema-sweep
LONG=$SRC/tests/slurm/long.yaml
export SGEMA_BIN=$BUILD SGEMA_ANALYSIS=$BUILD/analysis

TERMINAL="COMPLETED FAILED CANCELLED TIMEOUT NODE_FAIL OUT_OF_MEMORY BOOT_FAIL DEADLINE PREEMPTED"
job_field() { # JOB FIELD: the field of every record of the job (an array: of every task)
  scontrol show job "$1" 2>/dev/null | grep -o "\b$2=[^ ]*" | cut -d= -f2
}
# Polls scontrol (sbatch --wait polls slowly) until every record of the job is in a final state,
# at most LIMIT seconds; prints the states.
wait_job() { # JOB LIMIT
  local end states s final
  end=$(($(date +%s) + $2))
  while [ "$(date +%s)" -le $end ]; do
    states=$(job_field "$1" JobState)
    final=${states:+1}
    for s in $states; do
      [[ " $TERMINAL " == *" $s "* ]] || final=
    done
    if [ -n "$final" ]; then
      echo "$states" | tr '\n' ' ' | sed 's/ $//'
      return 0
    fi
    sleep 0.25
  done
  echo "timeout: $(job_field "$1" JobState | tr '\n' ' ')"
  return 1
}
same_runs() { h5diff -q "$1" "$2" /runs /runs; }
same_run() { h5diff -q "$1" "$2" "/runs/$3" "/runs/$3"; }
attr() { h5dump -a "$2" "$1" | sed -n 's/^ *(0): //p'; }
# The rows of sgema-summary's table: run alg m n done/trials fractions.
table_rows() { grep -E '^[A-Za-z0-9_.-]+ +(sg|ema|gd) +[0-9]+ +[0-9]+ +[0-9]+/[0-9]+ ' "$@"; }
# The rows of sgema-sweep's table without their first column (the file's number).
sweep_rows() { grep -E ' (sg|ema|gd) +[0-9]+ +[0-9]+ +(flow|discrete) .*[0-9]+/[0-9]+ ' "$@" | awk '{$1 = ""; print}'; }
# "N trials computed" of every sgema-run invocation in the logs, summed.
computed() { cat "$@" | sed -n 's/^sgema-run: \([0-9]*\) trials computed.*/\1/p' | awk '{s += $1} END {print s + 0}'; }

# 0. The cluster.
start=$(date +%s.%N)
cluster_start "$WORK/cluster"
check "single-node SLURM up (munged, slurmctld, slurmd)" test $? -eq 0 || {
  finish
  exit 1
}
echo "   daemons up in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s"
check "node advertises 4 CPUs (config_overrides)" test "$(sinfo -h -n localhost -o %c)" = 4

# The uninterrupted runs to compare with, made directly (2 processes).
$MPIRUN -np 2 "$RUN" "$SRC/experiments/smoke.yaml" -o ref-smoke.h5 --quiet >/dev/null 2>&1
check "reference smoke run: exit 0" test $? -eq 0
$MPIRUN -np 2 "$RUN" "$SRC/tests/slurm/sweep.yaml" -o ref-sweep.h5 --quiet >/dev/null 2>&1
check "reference sweep run: exit 0" test $? -eq 0
"$SUMMARY" ref-smoke.h5 >ref-smoke.summary

# 1. reproduce-paper.sbatch, srun --mpi=pmix, submitted from the repository's top with the
# defaults (SGEMA_DIR from SLURM_SUBMIT_DIR); then under mpirun, submitted from elsewhere.
t0=$(date +%s.%N)
srun_job=$(cd "$SRC" && SGEMA_EXPERIMENT=experiments/smoke.yaml SGEMA_RESULTS_DIR=$WORK/results/srun \
  sbatch --parsable --ntasks-per-node=2 --time=5 --output="$WORK/repro-srun.out" \
  jobs/reproduce-paper.sbatch)
check "sbatch reproduce-paper (srun): job $srun_job" test -n "$srun_job"
states=$(wait_job "$srun_job" 60)
t1=$(date +%s.%N)
check "reproduce-paper (srun): COMPLETED (got $states)" test "$states" = COMPLETED
echo "   submit to finish: $(awk -v s="$t0" -v e="$t1" 'BEGIN {printf "%.1f", e - s}') s"
mpirun_job=$(SGEMA_DIR=$SRC SGEMA_EXPERIMENT=experiments/smoke.yaml SGEMA_LAUNCHER=mpirun \
  SGEMA_RESULTS_DIR=$WORK/results/mpirun sbatch --parsable --ntasks-per-node=2 --time=5 \
  --output="$WORK/repro-mpirun.out" "$SRC/jobs/reproduce-paper.sbatch")
states=$(wait_job "$mpirun_job" 60)
check "reproduce-paper (mpirun): COMPLETED (got $states)" test "$states" = COMPLETED
for how in srun mpirun; do
  f=results/$how/smoke.h5
  check "$how: /runs identical to sgema-run's own (h5diff)" same_runs ref-smoke.h5 $f
  check "$how: every task of the allocation ran (ranks = 2)" test "$(attr $f /ranks)" = 2
  check "$how: complete, never resumed" test "$(attr $f /complete)/$(attr $f /resumed)" = 1/0
  check "$how: the summary's table at the end of the log" test \
    "$(table_rows repro-$how.out)" = "$(table_rows ref-smoke.summary)" -a -n "$(table_rows ref-smoke.summary)"
done
check "srun log: launched with srun --mpi=pmix" grep -q "srun --mpi=pmix" repro-srun.out
check "mpirun log: launched with mpirun" grep -q "sgema-job: mpirun " repro-mpirun.out

# 2. sweep-m.sbatch as an array of 3 tasks over a 4-run sweep: task I runs --select I/3 into its
# own file; sgema-sweep reads the three together.
array_job=$(SGEMA_DIR=$SRC SGEMA_EXPERIMENT=tests/slurm/sweep.yaml SGEMA_RESULTS_DIR=$WORK/results/sweep \
  sbatch --parsable --array=0-2 --ntasks=1 --time=5 --output="$WORK/sweep-%a.out" \
  "$SRC/jobs/sweep-m.sbatch")
states=$(wait_job "$array_job" 90)
check "sweep array: 3 tasks COMPLETED (got $states)" test "$states" = "COMPLETED COMPLETED COMPLETED"
parts=(results/sweep/sweep.task-0-of-3.h5 results/sweep/sweep.task-1-of-3.h5 results/sweep/sweep.task-2-of-3.h5)
check "sweep array: one file per task" test -f "${parts[0]}" -a -f "${parts[1]}" -a -f "${parts[2]}"
check "task 0 of 3 holds runs 0 and 3" test "$(h5ls "${parts[0]}/runs" | awk '{print $1}' | tr '\n' ' ')" = \
  "ema-m2-n3 sg-m1-n2 "
# Run $1 is in exactly one of the files $2...; its group equals the whole run's.
in_one_part() {
  local g=$1 f
  shift
  f=$(for p in "$@"; do h5ls "$p/runs/$g" >/dev/null 2>&1 && echo "$p"; done)
  [ "$(echo "$f" | wc -w)" -eq 1 ] && same_run ref-sweep.h5 "$f" "$g"
}
for g in sg-m1-n2 sg-m2-n3 ema-m1-n2 ema-m2-n3; do
  check "$g: in exactly one task's file, identical to the whole run (h5diff)" in_one_part $g "${parts[@]}"
done
if [ -x "$SWEEP" ]; then
  "$SWEEP" "${parts[@]}" >sweep.table 2>&1
  check "sgema-sweep over the 3 files: exit 0" test $? -eq 0
  "$SWEEP" ref-sweep.h5 >sweep-ref.table 2>&1
  check "sgema-sweep over the 3 files: the whole run's 4 rows" test \
    "$(sweep_rows sweep.table)" = "$(sweep_rows sweep-ref.table)" -a "$(sweep_rows sweep.table | wc -l)" -eq 4
else
  echo "   (no $SWEEP in this build: the sweep table is not checked)"
fi
check "sweep log: names the sweep table command" grep -q "sgema-sweep .*sweep.task-\*-of-3.h5" sweep-0.out

# 3. Time limit: jobs warned by SLURM itself (--time=1 --signal=B:USR1@58: due 2 s after the
# start, sent at slurmctld's next 30 s limit check, which the submission is aligned with) in the
# middle of an experiment of ~10 s of two processes. They checkpoint (exit 75), requeue themselves
# and resume, possibly several times, to a file equal to an uninterrupted run's. A plain job (srun)
# and a 2-task array (mpirun, one process per task), all at once.
$MPIRUN -np 2 "$RUN" "$LONG" -o ref-long.h5 --quiet >/dev/null 2>&1
check "reference long run: exit 0" test $? -eq 0
total=$("$RUN" "$LONG" --list-runs | awk '{s += $6} END {print s}')
cluster_tick_next 6
tl_job=$(SGEMA_DIR=$SRC SGEMA_EXPERIMENT=tests/slurm/long.yaml SGEMA_RESULTS_DIR=$WORK/results/tl \
  sbatch --parsable --ntasks-per-node=2 --time=1 --signal=B:USR1@58 --output="$WORK/tl.out" \
  "$SRC/jobs/reproduce-paper.sbatch")
tla_job=$(SGEMA_DIR=$SRC SGEMA_EXPERIMENT=tests/slurm/long.yaml SGEMA_RESULTS_DIR=$WORK/results/tla \
  SGEMA_LAUNCHER=mpirun sbatch --parsable --array=0-1 --ntasks=1 --time=1 --signal=B:USR1@58 \
  --output="$WORK/tla-%a.out" "$SRC/jobs/sweep-m.sbatch")
states=$(wait_job "$tl_job" 150)
check "time-limit job: COMPLETED in the end (got $states)" test "$states" = COMPLETED
states=$(wait_job "$tla_job" 100)
check "time-limit array: both tasks COMPLETED in the end (got $states)" test "$states" = \
  "COMPLETED COMPLETED"
f=results/tl/long.h5
restarts=$(job_field "$tl_job" Restarts)
check "time-limit job: requeued at least once (Restarts $restarts)" test "${restarts:-0}" -ge 1
check "time-limit job: warned by slurmctld's time-limit check" grep -q \
  "send_job_warn_signal: warning signal 10 to JobId=$tl_job\b" cluster/log/slurmctld.log
check "time-limit job: the log shows SIGUSR1, exit 75 and a requeue" test -n \
  "$(grep 'SIGUSR1' tl.out)" -a -n "$(grep 'sgema-run exited with 75' tl.out)" -a -n "$(grep 'requeueing' tl.out)"
check "time-limit job: one resume per restart (resumed = Restarts = $restarts)" test \
  "$(attr $f /resumed)" = "$restarts"
check "time-limit job: /runs identical to the uninterrupted run (h5diff)" same_runs ref-long.h5 $f
check "time-limit job: complete" test "$(attr $f /complete)" = 1
check "time-limit job: no trial computed twice ($(computed tl.out) computed, $total trials)" test \
  "$(computed tl.out)" -eq "$total"
restarts=$(job_field "$tla_job" Restarts | awk '{s += $1} END {print s + 0}')
check "time-limit array: requeued (Restarts total $restarts)" test "$restarts" -ge 1
check "time-limit array: requeued as ARRAYJOB_TASK" grep -q "requeueing ${tla_job}_[01]" tla-0.out tla-1.out
for t in 0 1; do
  p=results/tla/long.task-$t-of-2.h5
  for g in $(h5ls "$p/runs" | awk '{print $1}'); do
    check "time-limit array task $t: $g identical to the uninterrupted run" same_run ref-long.h5 $p "$g"
  done
done
check "time-limit array: no trial computed twice ($(computed tla-0.out tla-1.out) computed)" test \
  "$(computed tla-0.out tla-1.out)" -eq "$total"

finish
status=$?
echo "   whole test: $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.0f", e - s}') s"
exit $status

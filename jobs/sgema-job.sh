# sgema-job.sh: what jobs/*.sbatch share (sourced, not run): finding the programs, launching
# sgema-run on every task of the allocation, and turning SLURM's time-limit warning into a
# checkpoint and a requeue, so that a long experiment finishes across several allocations.
#
# Settings (environment; pass them with `sbatch --export=ALL,NAME=VALUE ...` or export them before
# sbatch, whose default is to pass the environment on):
#   SGEMA_DIR          the repository (default: the directory sbatch was run from, which must then
#                      be the repository's top: sbatch runs a copy of the script, so $0 is no guide)
#   SGEMA_BIN          where sgema-run is (default: $SGEMA_DIR/build)
#   SGEMA_ANALYSIS     where sgema-summary and sgema-sweep are (default: $SGEMA_BIN/analysis)
#   SGEMA_EXPERIMENT   the experiment file (each script has its default; relative to SGEMA_DIR)
#   SGEMA_RESULTS_DIR  where results files go (default: $SGEMA_DIR/results)
#   SGEMA_LAUNCHER     srun (default) or mpirun
#   SGEMA_SRUN_MPI     srun's --mpi plugin (default: pmix; Debian's Open MPI does not work with pmi2)
#   SGEMA_MPIRUN_ARGS  extra mpirun options (e.g. "--bind-to none")
#   SGEMA_RUN_ARGS     extra sgema-run options (e.g. "--flush-seconds 60")
#   SGEMA_REQUEUE      1 (default): requeue the job after a checkpoint; 0: only checkpoint

sgema_job_fail() {
  echo "sgema-job: $*" >&2
  exit 1
}

# Resolves the settings above and prints what this job is.
sgema_job_setup() { # DEFAULT_EXPERIMENT
  SGEMA_DIR=${SGEMA_DIR:-${SLURM_SUBMIT_DIR:-$PWD}}
  SGEMA_BIN=${SGEMA_BIN:-$SGEMA_DIR/build}
  SGEMA_ANALYSIS=${SGEMA_ANALYSIS:-$SGEMA_BIN/analysis}
  SGEMA_EXPERIMENT=${SGEMA_EXPERIMENT:-$1}
  SGEMA_RESULTS_DIR=${SGEMA_RESULTS_DIR:-$SGEMA_DIR/results}
  SGEMA_LAUNCHER=${SGEMA_LAUNCHER:-srun}
  SGEMA_SRUN_MPI=${SGEMA_SRUN_MPI:-pmix}
  SGEMA_REQUEUE=${SGEMA_REQUEUE:-1}
  # One OpenBLAS thread a rank, as the kernel computes anyway: otherwise each rank starts a pool of
  # a thread a core at load, which spins until a timeout (scripts/run-paper.sh does the same).
  export OPENBLAS_NUM_THREADS=1
  case $SGEMA_EXPERIMENT in /*) ;; *) SGEMA_EXPERIMENT=$SGEMA_DIR/$SGEMA_EXPERIMENT ;; esac
  [ -x "$SGEMA_BIN/sgema-run" ] ||
    sgema_job_fail "no $SGEMA_BIN/sgema-run (build it, or set SGEMA_BIN or SGEMA_DIR)"
  [ -r "$SGEMA_EXPERIMENT" ] || sgema_job_fail "cannot read the experiment $SGEMA_EXPERIMENT"
  case $SGEMA_LAUNCHER in srun | mpirun) ;; *)
    sgema_job_fail "SGEMA_LAUNCHER is '$SGEMA_LAUNCHER'; it must be srun or mpirun" ;;
  esac
  mkdir -p "$SGEMA_RESULTS_DIR" || sgema_job_fail "cannot create $SGEMA_RESULTS_DIR"
  echo "sgema-job: job ${SLURM_JOB_ID:-none}${SLURM_ARRAY_TASK_ID:+ (array ${SLURM_ARRAY_JOB_ID} task ${SLURM_ARRAY_TASK_ID})}," \
    "restart ${SLURM_RESTART_COUNT:-0}, ${SLURM_NTASKS:-1} tasks on ${SLURM_JOB_NODELIST:-$(hostname)}," \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

# The job (or array task) to requeue.
sgema_job_id() {
  if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
    echo "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
  else
    echo "$SLURM_JOB_ID"
  fi
}

# The warning (--signal=B:USR1@N) reaches this shell only: pass it on to the launcher, which
# forwards it to every rank; sgema-run then finishes the trials in flight, writes and exits 75.
# USR1 rather than TERM for both launchers: mpirun given TERM exits 1 instead of passing the 75 on.
sgema_job_warned=0
sgema_job_launcher_pid=
sgema_job_on_signal() { # SIGNAL
  [ "$1" = USR1 ] && sgema_job_warned=1
  echo "sgema-job: SIG$1 at $(date -u +%H:%M:%S): checkpointing" >&2
  [ -n "$sgema_job_launcher_pid" ] && kill -USR1 "$sgema_job_launcher_pid" 2>/dev/null
}
# From the moment the script sources this file: a warning that comes before the launch (a very
# short limit, a slow start) is remembered rather than killing the shell (USR1's default).
trap 'sgema_job_on_signal USR1' USR1
trap 'sgema_job_on_signal TERM' TERM

# Runs sgema-run on every task of the allocation: OUTPUT [sgema-run options...]. Resumes OUTPUT
# when it exists (a requeued job, or a job submitted again after a cancel or a time-out); starts it
# otherwise. Returns sgema-run's status: 0 done, 75 checkpointed (and requeued unless SGEMA_REQUEUE
# is 0), anything else a failure.
sgema_job_run() {
  local out=$1 resume=() cmd status
  shift
  [ -e "$out" ] && resume=(--resume)
  if [ "$SGEMA_LAUNCHER" = srun ]; then
    cmd=(srun --mpi="$SGEMA_SRUN_MPI" --kill-on-bad-exit=1)
  else
    # shellcheck disable=SC2206 # options, split on blanks on purpose
    cmd=(mpirun ${SGEMA_MPIRUN_ARGS:-})
  fi
  # shellcheck disable=SC2206
  cmd+=("$SGEMA_BIN/sgema-run" "$SGEMA_EXPERIMENT" -o "$out" "${resume[@]}" "$@" ${SGEMA_RUN_ARGS:-})
  if [ "$sgema_job_warned" -eq 1 ]; then
    status=75 # warned before the launch: nothing to run in this allocation
  else
    echo "sgema-job: ${cmd[*]}"
    "${cmd[@]}" &
    sgema_job_launcher_pid=$!
    # A trapped signal interrupts `wait` (status > 128) while the launcher runs on: wait again.
    # Bash keeps a child's status after it is reaped, so the last `wait` returns it in any case.
    while kill -0 "$sgema_job_launcher_pid" 2>/dev/null; do
      wait "$sgema_job_launcher_pid"
    done
    wait "$sgema_job_launcher_pid"
    status=$?
    sgema_job_launcher_pid=
    echo "sgema-job: sgema-run exited with $status at $(date -u +%H:%M:%S)"
  fi
  if [ "$status" -eq 75 ] && [ "$sgema_job_warned" -eq 1 ] && [ "$SGEMA_REQUEUE" = 1 ]; then
    local id
    id=$(sgema_job_id)
    echo "sgema-job: checkpoint written; requeueing $id, which resumes $out"
    # The requeue ends this allocation: SLURM's SIGTERM kills this script (default action again)
    # while it waits here.
    trap - USR1 TERM
    if scontrol requeue "$id"; then
      sleep 120
    else
      echo "sgema-job: requeue refused: submit the job again to resume $out" >&2
    fi
  elif [ "$status" -eq 75 ]; then
    echo "sgema-job: checkpoint written; submit the job again to resume $out" >&2
  fi
  return "$status"
}

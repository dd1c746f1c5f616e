# A private single-node SLURM (munged, slurmctld, slurmd from Debian's packages) under one
# directory, for the job tests: sourced by tests/test_slurm.sh. Everything it starts (keys, sockets,
# state, logs, pids) lives under $CLUSTER; it never touches a system munge or slurm, and
# cluster_stop ends only the processes cluster_start started.
#   cluster_start DIR   ->  exports SLURM_CONF; returns 1 (reason on stderr) if a daemon fails
#   cluster_stop        ->  cancels this cluster's jobs, stops its daemons
#   cluster_tick_next L ->  waits until L seconds before slurmctld's next time-limit check

CLUSTER=
CLUSTER_PIDS=()

cluster_log() { echo "cluster: $*" >&2; }

# Two TCP ports nobody listens on (slurmctld's and slurmd's), from a random base (unchecked
# without ss, from iproute2).
cluster_ports() {
  local used='' base
  command -v ss >/dev/null && used=$(ss -ltnH 2>/dev/null | awk '{print $4}' | sed 's/.*://')
  for _ in $(seq 50); do
    base=$((20000 + RANDOM % 30000))
    if ! grep -qx "$base" <<<"$used" && ! grep -qx "$((base + 1))" <<<"$used"; then
      echo "$base $((base + 1))"
      return 0
    fi
  done
  return 1
}

# munged as the munge user, with its own key, pid, seed and log under $CLUSTER/munge and its socket
# in $CLUSTER/munge-socket (munged insists that they belong to it, that nobody else may write
# there, and that everybody may reach the socket). setpriv execs munged: $! is munged itself.
cluster_munge() {
  local m=$CLUSTER/munge s=$CLUSTER/munge-socket
  mkdir -p "$m" "$s" && chmod 0700 "$m" && chmod 0755 "$s" || return 1
  if [ ! -s "$m/munge.key" ]; then
    mungekey --create --keyfile="$m/munge.key" 2>/dev/null ||
      dd if=/dev/urandom of="$m/munge.key" bs=1024 count=1 2>/dev/null || return 1
  fi
  chmod 0600 "$m/munge.key"
  chown -R munge:munge "$m" "$s" || return 1
  setpriv --reuid=munge --regid=munge --init-groups -- /usr/sbin/munged --foreground \
    --socket="$s/munge.socket" --key-file="$m/munge.key" --pid-file="$m/munged.pid" \
    --seed-file="$m/munged.seed" --log-file="$m/munged.log" >"$CLUSTER/munged.out" 2>&1 &
  CLUSTER_PIDS+=($!)
  for _ in $(seq 50); do
    [ -S "$s/munge.socket" ] && return 0
    kill -0 "${CLUSTER_PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  cluster_log "munged did not start: $(cat "$CLUSTER/munged.out" "$m/munged.log" 2>/dev/null | tail -3)"
  return 1
}

# slurm.conf for one node "localhost" with 4 CPUs (config_overrides: the machine may have fewer
# cores), no cgroups (linuxproc, task/none), and the scheduler and credentials tuned so that a job
# runs about a second after sbatch and a requeued job restarts a few seconds after its requeue.
cluster_conf() {
  local ports
  ports=$(cluster_ports) || return 1
  set -- $ports
  mkdir -p "$CLUSTER/state" "$CLUSTER/spool" "$CLUSTER/log"
  cat >"$CLUSTER/slurm.conf" <<CONF
ClusterName=sgematest
SlurmctldHost=localhost
SlurmctldPort=$1
SlurmdPort=$2
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$CLUSTER/munge-socket/munge.socket,cred_expire=5
StateSaveLocation=$CLUSTER/state
SlurmdSpoolDir=$CLUSTER/spool
SlurmctldPidFile=$CLUSTER/slurmctld.pid
SlurmdPidFile=$CLUSTER/slurmd.pid
SlurmctldLogFile=$CLUSTER/log/slurmctld.log
SlurmdLogFile=$CLUSTER/log/slurmd.log
SlurmctldDebug=debug2
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0,sched_interval=1,sched_min_interval=0
SlurmdParameters=config_overrides
ReturnToService=2
JobRequeue=1
KillWait=5
MinJobAge=600
InactiveLimit=0
MailProg=/bin/true
NodeName=localhost CPUs=4 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
}

# Daemons left by an earlier run over the same directory that was itself killed (a CTest time-out
# kills with SIGKILL, so no trap ran): those pids whose command line names the directory.
cluster_reap_stale() {
  local p
  [ -f "$1/pids" ] || return 0
  for p in $(cat "$1/pids"); do
    if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$1/"; then
      cluster_log "stopping daemon $p left by an earlier run"
      kill -KILL "$p" 2>/dev/null
    fi
  done
  rm -f "$1/pids"
}

cluster_start() {
  CLUSTER=$1
  cluster_reap_stale "$CLUSTER"
  rm -rf "$CLUSTER"
  mkdir -p "$CLUSTER" || return 1
  cluster_munge || return 1
  cluster_conf || return 1
  export SLURM_CONF=$CLUSTER/slurm.conf
  /usr/sbin/slurmctld -D -i -f "$SLURM_CONF" >"$CLUSTER/log/slurmctld.out" 2>&1 &
  CLUSTER_PIDS+=($!)
  /usr/sbin/slurmd -D -N localhost -f "$SLURM_CONF" >"$CLUSTER/log/slurmd.out" 2>&1 &
  CLUSTER_PIDS+=($!)
  echo "${CLUSTER_PIDS[@]}" >"$CLUSTER/pids"
  # Up when the node is idle: slurmd registered with slurmctld.
  for _ in $(seq 150); do
    case $(sinfo -h -n localhost -o %t 2>/dev/null) in
    idle*) return 0 ;;
    esac
    for p in "${CLUSTER_PIDS[@]}"; do
      kill -0 "$p" 2>/dev/null || {
        cluster_log "a daemon exited; logs in $CLUSTER/log"
        tail -5 "$CLUSTER"/log/*.out "$CLUSTER"/log/*.log >&2 2>/dev/null
        return 1
      }
    done
    sleep 0.1
  done
  cluster_log "the node did not come up in 15 s; logs in $CLUSTER/log"
  return 1
}

# Cancels every job of this cluster and waits for them to go, then stops its daemons: slurmd and
# slurmctld first (TERM, then KILL after 5 s), munged last. Only the recorded pids are signalled.
cluster_stop() {
  [ -n "$CLUSTER" ] || return 0
  if [ -n "${SLURM_CONF:-}" ] && [ ${#CLUSTER_PIDS[@]} -gt 1 ]; then
    scancel --full --quiet --user=root 2>/dev/null
    for _ in $(seq 50); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  local i p
  for ((i = ${#CLUSTER_PIDS[@]} - 1; i >= 0; i--)); do
    p=${CLUSTER_PIDS[$i]}
    kill -TERM "$p" 2>/dev/null || continue
    for _ in $(seq 50); do
      kill -0 "$p" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  CLUSTER_PIDS=()
  rm -f "$CLUSTER/pids"
  CLUSTER=
}

# slurmctld checks time limits and sends --signal warnings every 30 s (PERIODIC_TIMEOUT in its
# source, not configurable), counted from its start. SlurmctldDebug=debug2 logs each check; this
# waits until `lead` seconds before the next one is due, so that a job submitted now is warned
# `lead` seconds after it starts rather than anywhere in the next 30 s.
cluster_tick_next() { # LEAD
  local last now next
  last=$(grep 'Testing job time limits' "$CLUSTER/log/slurmctld.log" | tail -1 | sed 's/^\[\([^]]*\)\].*/\1/')
  [ -n "$last" ] || last=$(head -1 "$CLUSTER/log/slurmctld.log" | sed 's/^\[\([^]]*\)\].*/\1/')
  last=$(date -d "$last" +%s.%N) || return 1
  now=$(date +%s.%N)
  # The checks come every 30 to 31 s (a 1 s loop); 30.15 s predicts the next few to within 0.5 s.
  next=$(awk -v l="$last" -v n="$now" -v lead="$1" \
    'BEGIN { t = l + 30.15; while (t - lead - n < 0.5) t += 30.15; printf "%.2f", t - lead - n }')
  sleep "$next"
}

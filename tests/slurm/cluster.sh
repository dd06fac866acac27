#!/usr/bin/env bash
# A private single-node Slurm for the tests (label slurm): munged, slurmctld and slurmd of Debian's
# slurm-wlm and munge, started as the current user with everything under DIR (key, sockets, state, logs,
# a generated slurm.conf on free ports), nothing system-wide. Source it, then:
#   cluster_start DIR      # exports SLURM_CONF; returns when the node is idle (or fails with the logs)
#   cluster_stop           # kills the daemons it started (also on EXIT)
# Exit code 77 (ctest: skipped) when the packages are missing.

cluster_free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cluster_start() {
  local dir="$1"
  for b in munged mungekey slurmctld slurmd sbatch squeue scontrol; do
    command -v "$b" > /dev/null || [ -x "/usr/sbin/$b" ] || { echo "slurm test: $b not installed (Debian: slurm-wlm munge)"; exit 77; }
  done
  rm -rf "$dir"; mkdir -p "$dir"/{state,spool,munge}
  CLUSTER_DIR="$(cd "$dir" && pwd)"
  chmod 700 "$CLUSTER_DIR/munge"
  /usr/sbin/mungekey --create --keyfile="$CLUSTER_DIR/munge/munge.key" --force 2> /dev/null \
    || dd if=/dev/urandom of="$CLUSTER_DIR/munge/munge.key" bs=1024 count=1 2> /dev/null
  chmod 600 "$CLUSTER_DIR/munge/munge.key"
  local sock="$CLUSTER_DIR/munge/munge.socket"
  /usr/sbin/munged --key-file="$CLUSTER_DIR/munge/munge.key" --socket="$sock" \
    --pid-file="$CLUSTER_DIR/munge/munged.pid" --log-file="$CLUSTER_DIR/munge/munged.log" \
    --seed-file="$CLUSTER_DIR/munge/munged.seed" --force
  trap cluster_stop EXIT
  local node cpus mem user
  node="$(hostname -s)"
  cpus="$(nproc)"
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
  user="$(id -un)"
  cat > "$CLUSTER_DIR/slurm.conf" <<CONF
ClusterName=sasimtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$(cluster_free_port)
SlurmdPort=$(cluster_free_port)
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
SlurmUser=$user
SlurmdUser=$user
StateSaveLocation=$CLUSTER_DIR/state
SlurmdSpoolDir=$CLUSTER_DIR/spool
SlurmctldPidFile=$CLUSTER_DIR/slurmctld.pid
SlurmdPidFile=$CLUSTER_DIR/slurmd.pid
SlurmctldLogFile=$CLUSTER_DIR/slurmctld.log
SlurmdLogFile=$CLUSTER_DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$CLUSTER_DIR/slurm.conf"
  /usr/sbin/slurmctld -c -f "$SLURM_CONF" -i
  /usr/sbin/slurmd -f "$SLURM_CONF"
  for _ in $(seq 1 100); do
    if sinfo -h -o "%T" 2> /dev/null | grep -q "idle"; then return 0; fi
    sleep 0.2
  done
  echo "slurm test: the node did not come up; logs:"
  tail -n 20 "$CLUSTER_DIR"/slurmctld.log "$CLUSTER_DIR"/slurmd.log "$CLUSTER_DIR"/munge/munged.log 2> /dev/null
  return 1
}

cluster_stop() {
  [ -n "${CLUSTER_DIR:-}" ] || return 0
  for f in slurmd.pid slurmctld.pid munge/munged.pid; do
    if [ -f "$CLUSTER_DIR/$f" ]; then kill "$(cat "$CLUSTER_DIR/$f")" 2> /dev/null || true; fi
  done
  # Jobs' processes (proctrack/linuxproc) end with slurmd; give the daemons a moment to go.
  sleep 0.5
  CLUSTER_DIR=
}

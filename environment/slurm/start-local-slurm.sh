#!/usr/bin/env bash
# Starts a single-node Slurm on loopback for kit sweep's integration test (and for trying kit sweep on one machine):
# munged, slurmctld and slurmd as root, without systemd, with every file under one private directory.
#
#   environment/slurm/start-local-slurm.sh [DIR]    (default DIR: /tmp/cmkd-slurm)
#   export SLURM_CONF=DIR/slurm.conf                  then sbatch, squeue, sinfo, scancel and kit sweep use it
#   environment/slurm/stop-local-slurm.sh [DIR]      stops the daemons by their pid files
#
# It installs slurm-wlm and munge when missing (environment/install-system-packages.sh slurm), writes DIR/slurm.conf
# for one node on 127.0.0.1 with this machine's CPUs and memory, without cgroups (proctrack/linuxproc, task/none,
# no accounting), its own munge key and socket, and waits until sinfo shows the node idle (status 1 after 90 s,
# with the daemons' logs). The node's name is cmkd-node, its partition local. Ports: SLURMCTLD_PORT (default 16817)
# and SLURMD_PORT (16818).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="$(mkdir -p "${1:-/tmp/cmkd-slurm}" && cd "${1:-/tmp/cmkd-slurm}" && pwd)"
[ "$(id -u)" -eq 0 ] || { echo "start-local-slurm: the daemons run as root; run it as root" >&2; exit 1; }
"$HERE/../install-system-packages.sh" slurm

if [ -f "$DIR/slurmctld.pid" ] && kill -0 "$(cat "$DIR/slurmctld.pid")" 2>/dev/null; then
  echo "start-local-slurm: already running in $DIR (stop it with environment/slurm/stop-local-slurm.sh $DIR)" >&2
  exit 1
fi
mkdir -p "$DIR/state" "$DIR/spool" "$DIR/munge"
chmod 700 "$DIR/munge"
cpus=$(nproc)
memory_mb=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
ctld_port="${SLURMCTLD_PORT:-16817}"
slurmd_port="${SLURMD_PORT:-16818}"

# munge: a key of our own, a socket of our own
[ -f "$DIR/munge/munge.key" ] || { dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 2>/dev/null; chmod 400 "$DIR/munge/munge.key"; }
socket="$DIR/munge/munge.socket"
munged --force --key-file="$DIR/munge/munge.key" --socket="$socket" --pid-file="$DIR/munge/munged.pid" \
  --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed"

cat > "$DIR/slurm.conf" <<CONF
# written by environment/slurm/start-local-slurm.sh: one node on loopback, no cgroups, no accounting
ClusterName=cmkd
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=30
MinJobAge=300
NodeName=cmkd-node NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=local Nodes=cmkd-node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$DIR/slurm.conf"
slurmctld -i -f "$SLURM_CONF"
slurmd -N cmkd-node -f "$SLURM_CONF"

for _ in $(seq 1 90); do
  if sinfo -h -N -o '%t' 2>/dev/null | grep -qx idle; then
    echo "start-local-slurm: node cmkd-node idle ($cpus CPUs, $memory_mb MB) in partition local; export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 1
done
echo "start-local-slurm: the node did not become idle in 90 s; sinfo: $(sinfo -N 2>&1 | tr '\n' ' ')" >&2
tail -n 20 "$DIR/slurmctld.log" "$DIR/slurmd.log" "$DIR/munge/munged.log" >&2 || true
exit 1

#!/usr/bin/env bash
# Stops the local Slurm of start-local-slurm.sh: slurmd, slurmctld and munged, each by its pid file in DIR (default
# /tmp/cmkd-slurm), waiting up to 30 s for each; cancels the jobs still queued first. Status 0 also when none runs.
#
#   environment/slurm/stop-local-slurm.sh [DIR]
set -uo pipefail
DIR="${1:-/tmp/cmkd-slurm}"
[ -d "$DIR" ] || exit 0
if [ -f "$DIR/slurm.conf" ] && [ -f "$DIR/slurmctld.pid" ] && kill -0 "$(cat "$DIR/slurmctld.pid")" 2>/dev/null; then
  SLURM_CONF="$DIR/slurm.conf" scancel --user="$(id -un)" 2>/dev/null || true
  sleep 2
fi
for pid_file in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" "$DIR/munge/munged.pid"; do
  [ -f "$pid_file" ] || continue
  pid="$(cat "$pid_file")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pid_file"
done
echo "stop-local-slurm: stopped the daemons of $DIR"

#!/usr/bin/env bash
# Shared helpers of the data scripts: messages, tool checks, checksums. Source it; set DATASET first
# (the prefix of every message).

log() { echo "${DATASET:-data}: $*"; }
die() { echo "${DATASET:-data}: ERROR: $*" >&2; exit 1; }

# need_tool TOOL GROUP: stops with the install command if TOOL is not on the PATH.
need_tool() {
  command -v "$1" >/dev/null 2>&1 && return 0
  die "$1 not found; install it with: bash environment/install-system-packages.sh $2 (as root), or apt-get install $1"
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
size_of() { stat -c %s "$1"; }

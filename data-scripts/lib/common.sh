#!/usr/bin/env bash
# Shared helpers of the data scripts: messages, tool checks, checksums, git-lfs pointers, dry runs. Source it;
# set DATASET first (the prefix of every message).

log() { echo "${DATASET:-data}: $*"; }
die() { echo "${DATASET:-data}: ERROR: $*" >&2; exit 1; }

# need_tool TOOL [GROUP]: stops with the install command if TOOL is not on the PATH. GROUP names the group of
# environment/install-system-packages.sh that installs it; without one, the Debian package of the same name.
need_tool() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ -n "${2:-}" ]; then
    die "$1 not found; install it with: bash environment/install-system-packages.sh $2 (as root), or apt-get install $1"
  fi
  die "$1 not found; install it with: apt-get install $1 (Debian, as root)"
}

# need_files DIR FIX FILE...: stops naming the first FILE missing in DIR and the FIX (what to run).
need_files() {
  local dir="$1" fix="$2" file
  shift 2
  for file in "$@"; do
    [ -f "$dir/$file" ] || die "$dir/$file is missing; $fix"
  done
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
size_of() { stat -c %s "$1"; }

# lfs_pointers DIR...: prints the files under DIR... that are git-lfs pointer files (a clone without
# 'git lfs pull' holds these instead of the media: about 130 bytes starting "version https://git-lfs...").
lfs_pointers() {
  find "$@" -type f -size -1024c -exec grep -l -m 1 '^version https://git-lfs.github.com/spec/' {} + 2>/dev/null || true
}

# human_bytes N: "3,048,921,077 bytes (3.05 GB)" (decimal units).
human_bytes() {
  awk -v n="$1" 'BEGIN {
    s = sprintf("%.0f", n); t = ""
    while (length(s) > 3) { t = "," substr(s, length(s) - 2) t; s = substr(s, 1, length(s) - 3) }
    u = "B"; v = n
    if (n >= 1e9) { u = "GB"; v = n / 1e9 } else if (n >= 1e6) { u = "MB"; v = n / 1e6 } else if (n >= 1e3) { u = "kB"; v = n / 1e3 }
    printf "%s%s bytes%s\n", s, t, (u == "B") ? "" : sprintf(" (%.2f %s)", v, u) }'
}

# dry LABEL TEXT: one line of a download script's --dry-run (what it would fetch, from where, how much, and
# what the user must supply by hand). Nothing is fetched in a dry run.
dry() { printf '  %-9s %s\n' "$1" "$2"; }

#!/usr/bin/env bash
# Downloads CrisisMMD v2.0 (images and annotations) and its official train/dev/test split files, resumably.
# The data are CC BY-NC-SA 4.0: they are downloaded, never shipped with the kit.
#
#   data-scripts/crisismmd/download.sh [DOWNLOAD_DIR] [--dry-run]
#
# DOWNLOAD_DIR defaults to data/crisismmd/download under the repository root. Files listed in sources.tsv are
# fetched from $CRISISMMD_BASE_URL/<file> (default https://crisisnlp.qcri.org/data/crisismmd) into
# <file>.part with curl, which resumes an interrupted transfer when run again; a finished file is checked
# (recorded size and sha256 where sources.tsv has them, else the size the server announced) and tested as an
# archive (gzip -t / unzip -t) before it takes its final name. CRISISMMD_SOURCES names another list.
# --dry-run prints what would be fetched, from where and how much, without fetching anything.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
log() { echo "crisismmd: $*"; }
die() { echo "crisismmd: ERROR: $*" >&2; exit 1; }

dir="$ROOT/data/crisismmd/download" dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --dry-run) dry_run=1; shift ;;
    -*) echo "download.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) dir="$1"; shift ;;
  esac
done
base_url="${CRISISMMD_BASE_URL:-https://crisisnlp.qcri.org/data/crisismmd}"
sources="${CRISISMMD_SOURCES:-$HERE/sources.tsv}"

if [ "$dry_run" = 1 ]; then
  DATASET=crisismmd
  source "$ROOT/data-scripts/lib/common.sh"
  [ -f "$sources" ] || die "the list of files $sources is missing; restore it with git checkout"
  log "dry run: nothing is fetched"
  while IFS=$'\t' read -r name bytes sha256 note; do
    case "$name" in ''|'#'*) continue ;; esac
    dry fetch "$name from $base_url/$name"
    dry size "$([ "$bytes" = - ] && echo "not recorded" || human_bytes "$bytes"): $note; SHA-256 ${sha256/#-/not published}"
  done < "$sources"
  dry total "about 1.8 GB (unverified), one request each (resumable)"
  dry into "$dir"
  dry by-hand "nothing (licence CC BY-NC-SA 4.0: non-commercial use); the agreed-label zip is needed only for prepare.sh --split agreed"
  dry next "data-scripts/crisismmd/prepare.sh"
  exit 0
fi

for tool in curl sha256sum gzip unzip; do
  command -v "$tool" >/dev/null || die "'$tool' is missing; install it with: bash environment/install-system-packages.sh crisismmd (or apt-get install curl coreutils gzip unzip)"
done
[ -f "$sources" ] || die "the list of files $sources is missing; restore it with git checkout"
mkdir -p "$dir"
observed="$dir/SHA256SUMS.observed"

size_of() { stat -c %s "$1"; }

announced_size() {  # the Content-Length of the last response after redirects, or nothing
  curl -sSIL --max-time 60 "$1" 2>/dev/null | tr -d '\r' | awk 'tolower($1) == "content-length:" { n = $2 } END { if (n != "") print n }'
}

check_archive() {  # $1 file, $2 name
  case "$2" in
    *.tar.gz|*.tgz) gzip -t "$1" 2>/dev/null ;;
    *.zip) unzip -tqq "$1" >/dev/null 2>&1 ;;
    *) true ;;
  esac
}

verify() {  # $1 file, $2 name, $3 recorded bytes or -, $4 recorded sha256 or -; prints a problem and fails
  local actual
  actual="$(size_of "$1")"
  if [ "$3" != "-" ] && [ "$actual" != "$3" ]; then
    echo "$1 has $actual bytes, sources.tsv records $3"; return 1
  fi
  if [ "$4" != "-" ]; then
    local sum; sum="$(sha256sum "$1" | cut -d' ' -f1)"
    [ "$sum" = "$4" ] || { echo "$1 has sha256 $sum, sources.tsv records $4"; return 1; }
  fi
  check_archive "$1" "$2" || { echo "$1 is not a readable archive ($2)"; return 1; }
}

while IFS=$'\t' read -r name bytes sha256 _; do
  case "$name" in ''|'#'*) continue ;; esac
  target="$dir/$name"
  url="$base_url/$name"
  if [ -f "$target" ]; then
    problem="$(verify "$target" "$name" "$bytes" "$sha256")" \
      || die "$problem; delete $target and run data-scripts/crisismmd/download.sh again"
    log "$name: present and checked"
    continue
  fi
  part="$target.part"
  expected="$bytes"
  if [ "$expected" = "-" ]; then
    expected="$(announced_size "$url")"
    [ -n "$expected" ] || expected="-"
  fi
  if [ -f "$part" ] && [ "$expected" != "-" ] && [ "$(size_of "$part")" -gt "$expected" ]; then
    die "$part has $(size_of "$part") bytes, more than the $expected expected; delete it and run download.sh again"
  fi
  status=0
  if [ -f "$part" ] && [ "$expected" != "-" ] && [ "$(size_of "$part")" = "$expected" ]; then
    log "$name: $part is complete"
  else
    if [ -f "$part" ]; then log "$name: resuming after $(size_of "$part") bytes"; else log "$name: downloading $url"; fi
    curl -fL --retry 3 --retry-delay 5 --connect-timeout 30 -C - -o "$part" "$url" || status=$?
  fi
  case "$status" in
    0) ;;
    33) die "$url: the server does not support resuming (HTTP Range); delete $part and run download.sh again" ;;
    22) die "$url: the server answered with an HTTP error (moved or unavailable?); check https://crisisnlp.qcri.org/crisismmd for the current address and set CRISISMMD_BASE_URL; the partial file $part is kept for resuming" ;;
    *) die "$url: the transfer stopped (curl exit $status); run download.sh again to resume from $part" ;;
  esac
  actual="$(size_of "$part")"
  if [ "$expected" != "-" ] && [ "$actual" != "$expected" ]; then
    if [ "$actual" -lt "$expected" ]; then
      die "$part has $actual of $expected bytes: the download is incomplete; run download.sh again to resume"
    fi
    die "$part has $actual bytes, expected $expected; delete it and run download.sh again (if the source changed its file, update sources.tsv)"
  fi
  problem="$(verify "$part" "$name" "$bytes" "$sha256")" \
    || die "$problem; delete $part and run download.sh again (if the source changed its file, update sources.tsv)"
  mv "$part" "$target"
  sum="$(sha256sum "$target" | cut -d' ' -f1)"
  if [ "$sha256" = "-" ]; then
    grep -v "  $name\$" "$observed" 2>/dev/null > "$observed.tmp" || true
    echo "$sum  $name" >> "$observed.tmp"
    mv "$observed.tmp" "$observed"
    log "$name: $actual bytes, sha256 $sum (no published checksum; recorded in $observed)"
  else
    log "$name: $actual bytes, sha256 matches"
  fi
done < "$sources"
log "done: $dir (next: data-scripts/crisismmd/prepare.sh)"

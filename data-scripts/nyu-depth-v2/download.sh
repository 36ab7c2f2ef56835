#!/usr/bin/env bash
# Downloads the NYU-Depth V2 labelled set, its official train/test split and the 894 -> 40 class mapping
# (files and URLs in sources.tsv). Resumable: an interrupted download continues where it stopped.
#
#   data-scripts/nyu-depth-v2/download.sh [RAW_DIR] [--sources FILE]
#
# RAW_DIR defaults to data/nyu-depth-v2/raw under the repository root. Each file is fetched into NAME.part
# with curl's resume (--continue-at -; a transfer slower than 1 KB/s for 2 min is abandoned), its size
# checked against sources.tsv, then moved to NAME; its size and SHA-256 go to RAW_DIR/downloads.tsv.
# A partial download or a wrong size stops with what to do.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
log() { echo "nyu-depth-v2: $*"; }
die() { echo "nyu-depth-v2: ERROR: $*" >&2; exit 1; }

raw="$ROOT/data/nyu-depth-v2/raw"
sources="$HERE/sources.tsv"
while [ $# -gt 0 ]; do
  case "$1" in
    --sources) [ $# -ge 2 ] || { usage >&2; exit 2; }; sources="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "download.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) raw="$1"; shift ;;
  esac
done
[ -f "$sources" ] || die "no source list at $sources"
command -v curl >/dev/null || die "curl not found: run environment/install-system-packages.sh nyu" \
  "(or apt-get install curl)"
command -v sha256sum >/dev/null || die "sha256sum not found: apt-get install coreutils"
mkdir -p "$raw"

size_of() { stat -c %s "$1"; }

record() {  # name bytes sha256: replaces the file's line in downloads.tsv
  local table="$raw/downloads.tsv"
  touch "$table"
  { grep -v -P "^\Q$1\E\t" "$table" || true; printf '%s\t%s\t%s\n' "$1" "$2" "$3"; } > "$table.tmp"
  mv -f "$table.tmp" "$table"
}

while IFS=$'\t' read -r name bytes sha256 url; do
  case "$name" in ''|'#'*) continue ;; esac
  target="$raw/$name"
  part="$target.part"
  if [ -f "$target" ]; then
    if [ "$bytes" != "-" ] && [ "$(size_of "$target")" != "$bytes" ]; then
      die "$target has $(size_of "$target") bytes, expected $bytes: delete it and rerun this script"
    fi
    log "$name already downloaded ($(size_of "$target") bytes)"
    continue
  fi
  have=0
  [ -f "$part" ] && have="$(size_of "$part")"
  if [ "$bytes" != "-" ] && [ "$have" -gt "$bytes" ]; then
    die "$part has $have bytes, more than the expected $bytes: delete it and rerun this script"
  fi
  if [ "$bytes" = "-" ] || [ "$have" -lt "$bytes" ]; then
    if [ "$have" -gt 0 ]; then
      log "resuming $name at byte $have of ${bytes/-/an unknown size} from $url"
    else
      log "downloading $name (${bytes/-/unknown} bytes) from $url"
    fi
    if ! curl --fail --location --silent --show-error --retry 3 --speed-limit 1024 --speed-time 120 --continue-at - --output "$part" "$url"; then
      now=0
      [ -f "$part" ] && now="$(size_of "$part")"
      die "the download of $url stopped with $now bytes in $part: rerun this script to resume it" \
        "(if the server refuses to resume, delete $part and rerun)"
    fi
  fi
  got="$(size_of "$part")"
  if [ "$bytes" != "-" ] && [ "$got" -lt "$bytes" ]; then
    die "partial download: $part has $got of $bytes bytes: rerun this script to resume it"
  fi
  if [ "$bytes" != "-" ] && [ "$got" -ne "$bytes" ]; then
    die "$part has $got bytes, expected $bytes: the file at $url is not the one the kit expects;" \
      "delete $part and rerun, and if it persists report it (see data-scripts/nyu-depth-v2/README.md)"
  fi
  actual="$(sha256sum "$part" | cut -d' ' -f1)"
  if [ "$sha256" != "-" ] && [ "$actual" != "$sha256" ]; then
    echo "nyu-depth-v2: WARNING: $name has SHA-256 $actual, third parties recorded $sha256; its size is" \
      "right, so it is kept (NYU publishes no checksum). If preparation fails on it, delete $target and" \
      "rerun this script." >&2
  fi
  mv -f "$part" "$target"
  record "$name" "$got" "$actual"
  log "$name: $got bytes, SHA-256 $actual"
done < "$sources"
log "all files in $raw"

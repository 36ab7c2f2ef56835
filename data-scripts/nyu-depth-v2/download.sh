#!/usr/bin/env bash
# Downloads the NYU-Depth V2 labelled set, its official train/test split and the 894 -> 40 class mapping
# (files and URLs in sources.tsv). Resumable: an interrupted download continues where it stopped.
#
#   data-scripts/nyu-depth-v2/download.sh [RAW_DIR] [--sources FILE] [--dry-run]
#
# RAW_DIR defaults to data/nyu-depth-v2/raw under the repository root. Each file is fetched into NAME.part
# with curl's resume (--continue-at -; a transfer slower than 1 KB/s for 2 min is abandoned), its size
# checked against sources.tsv, then moved to NAME; its size and SHA-256 go to RAW_DIR/downloads.tsv.
# A partial download or a wrong size stops with what to do. A file you place at RAW_DIR/NAME yourself (the
# NYU host refuses connections at times) is accepted when it has the size of sources.tsv; its SHA-256 is
# compared and recorded. --dry-run prints what would be fetched, from where, how much, and what to place.
# NYU_SOURCES (or --sources) names another list of the same columns, e.g. with a mirror's addresses.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

DATASET=nyu-depth-v2
source "$ROOT/data-scripts/lib/common.sh"
usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

raw="$ROOT/data/nyu-depth-v2/raw"
sources="${NYU_SOURCES:-$HERE/sources.tsv}"
dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sources) [ $# -ge 2 ] || { usage >&2; exit 2; }; sources="$2"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "download.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) raw="$1"; shift ;;
  esac
done
[ -f "$sources" ] || die "no source list at $sources"

# by_hand NAME BYTES SHA256: how to place NAME yourself when its host cannot be reached.
by_hand() {
  local what="it is accepted if it has $2 bytes"
  [ "$2" = "-" ] && what="any size is accepted"
  [ "$3" != "-" ] && what="$what (SHA-256 $3)"
  echo "If the host stays unreachable, fetch $1 another way (a browser, another machine, a mirror) and place it at $raw/$1: $what"
}

if [ "$dry_run" = 1 ]; then
  log "dry run: nothing is fetched"
  total=0
  while IFS=$'\t' read -r name bytes sha256 url; do
    case "$name" in ''|'#'*) continue ;; esac
    dry fetch "$name from $url"
    dry size "$([ "$bytes" = - ] && echo "not recorded" || human_bytes "$bytes"), SHA-256 ${sha256/#-/not recorded}"
    [ "$bytes" = - ] || total=$((total + bytes))
    [ -f "$raw/$name" ] && dry have "$raw/$name ($(size_of "$raw/$name") bytes): not fetched again"
  done < "$sources"
  dry total "$(human_bytes "$total"), one request each (resumable)"
  dry into "$raw"
  dry by-hand "nothing; if a host refuses connections, place the file at $raw/<name> with the size (and SHA-256) above"
  dry next "/usr/bin/python3 data-scripts/nyu-depth-v2/prepare.py $raw ${raw%/raw}/prepared (or build.sh)"
  exit 0
fi
need_tool curl nyu
command -v sha256sum >/dev/null || die "sha256sum not found: apt-get install coreutils"
mkdir -p "$raw"

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
      die "$target has $(size_of "$target") bytes, expected $bytes: delete it and rerun this script, or place the right file there"
    fi
    if grep -q -P "^\Q$name\E\t$(size_of "$target")\t" "$raw/downloads.tsv" 2>/dev/null; then
      log "$name already downloaded ($(size_of "$target") bytes)"
      continue
    fi
    actual="$(sha256sum "$target" | cut -d' ' -f1)"
    if [ "$sha256" != "-" ] && [ "$actual" != "$sha256" ]; then
      echo "nyu-depth-v2: WARNING: $target (placed by hand) has SHA-256 $actual, sources.tsv records $sha256;" \
        "its size is right, so it is kept. If preparation fails on it, replace it." >&2
    fi
    record "$name" "$(size_of "$target")" "$actual"
    log "$name found in $raw (placed by hand): $(size_of "$target") bytes, SHA-256 $actual$([ "$actual" = "$sha256" ] && echo ", as recorded")"
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
        "(if the server refuses to resume, delete $part and rerun). $(by_hand "$name" "$bytes" "$sha256")"
    fi
  fi
  got="$(size_of "$part")"
  if [ "$bytes" != "-" ] && [ "$got" -lt "$bytes" ]; then
    die "partial download: $part has $got of $bytes bytes: rerun this script to resume it. $(by_hand "$name" "$bytes" "$sha256")"
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

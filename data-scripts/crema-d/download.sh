#!/usr/bin/env bash
# Downloads CREMA-D (AudioWAV/*.wav, VideoFlash/*.flv, processedResults/summaryTable.csv; about 7.5 GB) from
# its git-lfs repository, or checks a local copy. Resumable; every file is checked against the SHA-256 and
# size of its git-lfs pointer. Reruns skip verified files.
#
#   data-scripts/crema-d/download.sh [RAW_DIR] [--jobs N]     download into RAW_DIR (data/crema-d/raw)
#   data-scripts/crema-d/download.sh --check DIR              check a local copy (e.g. a git lfs clone)
#
# Sources (override for a mirror): CREMA_D_POINTERS (the repository's raw files, i.e. git-lfs pointers),
# default https://raw.githubusercontent.com/CheyneyComputerScience/CREMA-D/master ; CREMA_D_MEDIA (the
# git-lfs contents), default https://media.githubusercontent.com/media/CheyneyComputerScience/CREMA-D/master .
# CREMA_D_LIMIT=N fetches only the first N clips of summaryTable.csv (trials). Licence: ODbL 1.0 / DbCL 1.0.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATASET=crema-d
export LC_ALL=C
source "$ROOT/data-scripts/lib/common.sh"
source "$ROOT/data-scripts/lib/download.sh"

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
raw="$ROOT/data/crema-d/raw" jobs=8 check=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }; jobs="$2"; shift 2 ;;
    --check) [ -n "${2:-}" ] || { usage >&2; exit 2; }; check="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "download.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) raw="$1"; shift ;;
  esac
done
pointers="${CREMA_D_POINTERS:-https://raw.githubusercontent.com/CheyneyComputerScience/CREMA-D/master}"
media="${CREMA_D_MEDIA:-https://media.githubusercontent.com/media/CheyneyComputerScience/CREMA-D/master}"

# clip names of summaryTable.csv (column FileName)
clip_names() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { gsub(/["\r]/, "", $i); if ($i == "FileName") c = i }; next }
           c { gsub(/["\r]/, "", $c); if ($c != "") print $c }' "$1"
}

if [ -n "$check" ]; then
  table="$check/processedResults/summaryTable.csv"
  [ -f "$table" ] || die "$table is missing: is $check a copy of the CREMA-D repository?"
  missing=0 pointer_files=0 total=0
  while IFS= read -r name; do
    for file in "$check/AudioWAV/$name.wav" "$check/VideoFlash/$name.flv"; do
      total=$((total + 1))
      if [ ! -f "$file" ]; then missing=$((missing + 1)); [ "$missing" -le 5 ] && log "missing: $file"
      elif [ "$(size_of "$file")" -lt 200 ] && grep -q "git-lfs.github.com/spec" "$file"; then
        pointer_files=$((pointer_files + 1)); [ "$pointer_files" -le 5 ] && log "git-lfs pointer, not content: $file"
      fi
    done
  done < <(clip_names "$table")
  [ "$pointer_files" = 0 ] || die "$pointer_files of $total files are git-lfs pointers: run 'git lfs install && git lfs pull' in $check (Debian: apt-get install git-lfs)"
  [ "$missing" = 0 ] || die "$missing of $total files are missing in $check; complete the copy or use this script to download"
  log "$check holds all $total files of summaryTable.csv; prepare it with: data-scripts/crema-d/prepare.sh --raw $check"
  exit 0
fi

mkdir -p "$raw"
raw="$(cd "$raw" && pwd)"
log "1/2 clip list: processedResults/summaryTable.csv"
fetch "$pointers/processedResults/summaryTable.csv" "$raw/processedResults/summaryTable.csv"
names="$raw/.names"
clip_names "$raw/processedResults/summaryTable.csv" | head -n "${CREMA_D_LIMIT:-1000000}" > "$names"
count="$(wc -l < "$names")"
[ "$count" -gt 0 ] || die "no FileName column or no clip in $raw/processedResults/summaryTable.csv"
log "2/2 $count clips x (AudioWAV/<clip>.wav, VideoFlash/<clip>.flv), $jobs at a time"

# One file: its git-lfs pointer gives sha256 and size, then the content is fetched and verified.
fetch_one() {
  local path="$1" pointer
  pointer="$raw/.pointers/$path"
  FETCH_QUIET=1 fetch "$pointers/$path" "$pointer"
  local oid size
  oid="$(awk '$1 == "oid" { sub(/^sha256:/, "", $2); print $2 }' "$pointer")"
  size="$(awk '$1 == "size" { print $2 }' "$pointer")"
  [[ "$oid" =~ ^[0-9a-f]{64}$ ]] && [[ "$size" =~ ^[0-9]+$ ]] \
    || die "$pointer is not a git-lfs pointer (no 'oid sha256:' and 'size' lines); delete it and rerun, or check CREMA_D_POINTERS ($pointers)"
  FETCH_QUIET=1 fetch "$media/$path" "$raw/$path" "$oid" "$size"
}
export -f fetch fetch_one _fetch_verify log die need_tool sha256_of size_of
export raw pointers media DATASET
failed=0
awk '{ print "AudioWAV/" $0 ".wav"; print "VideoFlash/" $0 ".flv" }' "$names" \
  | xargs -d '\n' -n 1 -P "$jobs" bash -c 'fetch_one "$1"' _ || failed=1
done_files="$(awk '{ print "AudioWAV/" $0 ".wav"; print "VideoFlash/" $0 ".flv" }' "$names" \
  | while IFS= read -r p; do [ -f "$raw/$p" ] && echo; done | wc -l)"
log "$done_files of $((2 * count)) files downloaded and verified in $raw"
[ "$failed" = 0 ] || die "some downloads failed (messages above); run the same command again to resume"
log "done; next: data-scripts/crema-d/prepare.sh --raw $raw"

#!/usr/bin/env bash
# Downloads CREMA-D's media (AudioWAV/*.wav and VideoFlash/*.flv of the 7,442 clips: 14,884 files, 3,048,921,077
# bytes by their git-lfs pointers; the whole repository with AudioMP3/ and its history is about 7.5 GB) from its
# git-lfs repository, or checks a local copy. Every file is checked against the SHA-256 and size of its pointer.
#
#   data-scripts/crema-d/download.sh [RAW_DIR] [--jobs N] [--dry-run]   download into RAW_DIR (data/crema-d/raw)
#   data-scripts/crema-d/download.sh --check DIR                        check a local copy (git clone + git lfs pull)
#
# How, within GitHub's limits: the pointers come from one shallow clone without the media
# (GIT_LFS_SKIP_SMUDGE=1 git clone --depth 1 CREMA_D_REPO into RAW_DIR/.pointers), the media from CREMA_D_MEDIA
# (GitHub's LFS media host), 2 files at a time (--jobs). An answer 429 or 503 pauses every transfer for the
# host's Retry-After (else 2, 4, 8, ... s; FETCH_RETRIES, FETCH_MAX_WAIT in data-scripts/lib/download.sh).
# Resumable: verified files are recorded in RAW_DIR/.verified and skipped on a rerun; a partial file resumes.
# Defaults: CREMA_D_REPO https://github.com/CheyneyComputerScience/CREMA-D.git , CREMA_D_MEDIA
# https://media.githubusercontent.com/media/CheyneyComputerScience/CREMA-D/master (a mirror's git URL and
# media base may replace them). CREMA_D_LIMIT=N fetches the first N clips only. Licence: ODbL 1.0 / DbCL 1.0.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATASET=crema-d
export LC_ALL=C
source "$ROOT/data-scripts/lib/common.sh"
source "$ROOT/data-scripts/lib/download.sh"

usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
raw="$ROOT/data/crema-d/raw" jobs=2 check="" dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }; jobs="$2"; shift 2 ;;
    --check) [ -n "${2:-}" ] || { usage >&2; exit 2; }; check="$2"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "download.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) raw="$1"; shift ;;
  esac
done
repo="${CREMA_D_REPO:-https://github.com/CheyneyComputerScience/CREMA-D.git}"
media="${CREMA_D_MEDIA:-https://media.githubusercontent.com/media/CheyneyComputerScience/CREMA-D/master}"

# clip names of summaryTable.csv (column FileName)
clip_names() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { gsub(/["\r]/, "", $i); if ($i == "FileName") c = i }; next }
           c { gsub(/["\r]/, "", $c); if ($c != "") print $c }' "$1"
}

if [ "$dry_run" = 1 ]; then
  log "dry run: nothing is fetched"
  dry fetch "one shallow clone without media: GIT_LFS_SKIP_SMUDGE=1 git clone --depth 1 $repo"
  dry size "under 6 MB of git objects (pointers, summaryTable.csv, the R scripts; the whole history packs to 5.5 MiB); 1 clone"
  dry fetch "7,442 x AudioWAV/<clip>.wav (605,899,936 bytes) + 7,442 x VideoFlash/<clip>.flv (2,443,021,141 bytes)"
  dry from "$media/<path>"
  dry size "$(human_bytes 3048921077) by their git-lfs pointers; 14,884 requests, $jobs at a time, pausing for Retry-After on HTTP 429"
  dry into "$raw/AudioWAV, $raw/VideoFlash (pointers and summaryTable.csv in $raw/.pointers)"
  dry by-hand "nothing; or a copy you have (git clone + git lfs pull): download.sh --check DIR, then prepare.sh --raw DIR"
  dry next "data-scripts/crema-d/prepare.sh"
  exit 0
fi

if [ -n "$check" ]; then
  table="$check/processedResults/summaryTable.csv"
  [ -f "$table" ] || die "$table is missing: is $check a copy of the CREMA-D repository?"
  pointer_files="$(lfs_pointers "$check/AudioWAV" "$check/VideoFlash" | wc -l)"
  [ "$pointer_files" = 0 ] || die "$pointer_files files under $check are git-lfs pointers, not media (a clone without 'git lfs pull'): run 'git lfs install && git lfs pull' in $check (Debian: apt-get install git-lfs), or let data-scripts/crema-d/download.sh fetch the media"
  missing=0 total=0
  while IFS= read -r name; do
    for file in "$check/AudioWAV/$name.wav" "$check/VideoFlash/$name.flv"; do
      total=$((total + 1))
      [ -f "$file" ] || { missing=$((missing + 1)); [ "$missing" -le 5 ] && log "missing: $file"; }
    done
  done < <(clip_names "$table")
  [ "$missing" = 0 ] || die "$missing of $total files are missing in $check; complete the copy or use this script to download"
  log "$check holds all $total files of summaryTable.csv; prepare it with: data-scripts/crema-d/prepare.sh --raw $check"
  exit 0
fi

need_tool git
mkdir -p "$raw"
raw="$(cd "$raw" && pwd)"
pointers="$raw/.pointers"
log "1/2 pointers: one shallow clone of $repo without the media"
if ! git -C "$pointers" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  rm -rf "$pointers" "$pointers.tmp"
  GIT_LFS_SKIP_SMUDGE=1 git -c filter.lfs.required=false clone --quiet --depth 1 "$repo" "$pointers.tmp" \
    || { rm -rf "$pointers.tmp"; die "git clone of $repo failed (messages above); check the address (CREMA_D_REPO) and the network, then run the same command again"; }
  mv "$pointers.tmp" "$pointers"
fi
table="$pointers/processedResults/summaryTable.csv"
[ -f "$table" ] || die "$table is missing: is $repo the CREMA-D repository?"
mkdir -p "$raw/processedResults"
cp -f "$table" "$raw/processedResults/summaryTable.csv.tmp"
mv -f "$raw/processedResults/summaryTable.csv.tmp" "$raw/processedResults/summaryTable.csv"
names="$raw/.names"
clip_names "$table" | head -n "${CREMA_D_LIMIT:-1000000}" > "$names"
count="$(wc -l < "$names")"
[ "$count" -gt 0 ] || die "no FileName column or no clip in $table"

# "path<TAB>oid<TAB>size" of every listed file, from its pointer
work="$raw/.work"
awk '{ print "AudioWAV/" $0 ".wav"; print "VideoFlash/" $0 ".flv" }' "$names" | while IFS= read -r path; do
  pointer="$pointers/$path"
  [ -f "$pointer" ] || die "$pointer is missing: the clone lists clip ${path#*/} in summaryTable.csv but has no file for it"
  oid="$(awk '$1 == "oid" { sub(/^sha256:/, "", $2); print $2 }' "$pointer")"
  size="$(awk '$1 == "size" { print $2 }' "$pointer")"
  [[ "$oid" =~ ^[0-9a-f]{64}$ ]] && [[ "$size" =~ ^[0-9]+$ ]] \
    || die "$pointer is not a git-lfs pointer (no 'oid sha256:' and 'size' lines): the clone fetched media or $repo is not CREMA-D; delete $pointers and run again with GIT_LFS_SKIP_SMUDGE=1"
  printf '%s\t%s\t%s\n' "$path" "$oid" "$size"
done > "$work"
total_bytes="$(awk -F'\t' '{ s += $3 } END { printf "%.0f", s }' "$work")"

# files verified by an earlier run (recorded oid, same size on disk) are skipped without hashing them again
touch "$raw/.verified"
todo="$raw/.todo"
mkdir -p "$raw/AudioWAV" "$raw/VideoFlash"
(cd "$raw" && find AudioWAV VideoFlash -type f -printf '%p\t%s\n') > "$raw/.sizes"
awk -F'\t' 'FILENAME == ARGV[1] { ok[$1] = $2; next } FILENAME == ARGV[2] { size[$1] = $2; next }
  !(($1 in ok) && ok[$1] == $2 && size[$1] == $3)' "$raw/.verified" "$raw/.sizes" "$work" > "$todo"
rm -f "$raw/.sizes"
left="$(wc -l < "$todo")"
log "2/2 media: $count clips, $((2 * count)) files, $(human_bytes "$total_bytes"); $((2 * count - left)) verified before, $left to fetch, $jobs at a time"

fetch_one() {
  local path="$1" oid="$2" size="$3"
  FETCH_QUIET=1 fetch "$media/$path" "$raw/$path" "$oid" "$size"
  printf '%s\t%s\n' "$path" "$oid" >> "$raw/.verified"
}
export -f fetch fetch_one _fetch_verify _fetch_with_backoff _fetch_pause _fetch_retry_after _fetch_host log die \
  need_tool sha256_of size_of
export raw media DATASET FETCH_PAUSE_FILE="$raw/.pause-until"
failed=0
tr '\t' '\n' < "$todo" | xargs -r -d '\n' -n 3 -P "$jobs" bash -c 'fetch_one "$1" "$2" "$3"' _ || failed=1
done_files="$(awk -F'\t' 'FILENAME == ARGV[1] { ok[$1] = $2; next } ($1 in ok) && ok[$1] == $2' "$raw/.verified" "$work" | wc -l)"
log "$done_files of $((2 * count)) files downloaded and verified in $raw"
rm -f "$todo" "$raw/.pause-until"
[ "$failed" = 0 ] && [ "$done_files" = $((2 * count)) ] \
  || die "some downloads failed (messages above); run the same command again to resume: verified files are skipped"
log "done; next: data-scripts/crema-d/prepare.sh --raw $raw"

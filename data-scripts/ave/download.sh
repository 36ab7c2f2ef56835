#!/usr/bin/env bash
# Downloads and unpacks AVE (AVE_Dataset.zip: ten-second MP4 clips named by video id, Annotations.txt and the
# official trainSet.txt / valSet.txt / testSet.txt, whose 4,143 rows name 4,097 distinct videos), or unpacks a
# copy you already have. Resumable (curl -C -).
#
#   data-scripts/ave/download.sh [RAW_DIR] [--url URL] [--archive FILE] [--sha256 HEX] [--size BYTES] [--dry-run]
#
# RAW_DIR defaults to data/ave/raw. The default URL is the Google Drive archive linked from
# https://github.com/YapengTian/AVE-ECCV18 (AVE_URL overrides it); Drive may refuse automated downloads
# (quota, confirmation page): then download AVE_Dataset.zip in a browser and pass --archive. The source
# publishes no checksum: --sha256 / --size check the archive when you have them; the script records the
# archive's size and SHA-256 in RAW_DIR/archive.sha256 and checks the unpacked contents (clip and list counts).
# --dry-run prints what would be fetched, from where and how much, and what you may have to supply by hand.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATASET=ave
export LC_ALL=C
source "$ROOT/data-scripts/lib/common.sh"
source "$ROOT/data-scripts/lib/download.sh"

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
raw="$ROOT/data/ave/raw" url="${AVE_URL:-https://drive.usercontent.google.com/download?id=1FjKwe79e0u96vdjIVwfRQ1V6SoDHe7kK&export=download&confirm=t}"
archive="" sha="" size="" dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url="${2:?--url needs a URL}"; shift 2 ;;
    --archive) archive="${2:?--archive needs a file}"; shift 2 ;;
    --sha256) sha="${2:?--sha256 needs a hex digest}"; shift 2 ;;
    --size) size="${2:?--size needs a byte count}"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "download.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) raw="$1"; shift ;;
  esac
done
if [ "$dry_run" = 1 ]; then
  log "dry run: nothing is fetched"
  if [ -n "$archive" ]; then dry use "$archive (given with --archive): nothing is downloaded"
  else dry fetch "AVE_Dataset.zip from $url"; fi
  dry size "${size:-not published (several GB, not verified)}${sha:+, SHA-256 $sha}; 1 request (resumable)"
  dry into "$raw/AVE_Dataset (AVE/<VideoID>.mp4: the 4,097 videos of 4,143 list rows; Annotations.txt, trainSet.txt, valSet.txt, testSet.txt)"
  dry by-hand "Google Drive often refuses scripts (quota, confirmation page): then download AVE_Dataset.zip in a"
  dry "" "browser from the link in https://github.com/YapengTian/AVE-ECCV18 and pass --archive FILE"
  dry next "data-scripts/ave/prepare.sh"
  exit 0
fi
need_tool unzip
mkdir -p "$raw"
raw="$(cd "$raw" && pwd)"
if [ -n "$archive" ]; then
  [ -f "$archive" ] || die "--archive $archive does not exist"
  problem="$(_fetch_verify "$archive" "$sha" "$size")" || die "$archive: $problem; download it again"
  log "1/2 using $archive"
else
  archive="$raw/AVE_Dataset.zip"
  log "1/2 downloading $url -> $archive"
  fetch "$url" "$archive" "$sha" "$size"
fi
if ! unzip -tq "$archive" >/dev/null 2>&1; then
  die "$archive is not a complete zip archive (unzip -t fails; a Drive confirmation page or a partial download?). Delete it and download AVE_Dataset.zip again, in a browser if needed, then pass --archive"
fi
printf '%s  %s  %s bytes\n' "$(sha256_of "$archive")" "$(basename "$archive")" "$(size_of "$archive")" > "$raw/archive.sha256"
log "archive: $(cat "$raw/archive.sha256")"

log "2/2 unpacking into $raw"
unzip -q -o "$archive" -d "$raw"
base="$raw/AVE_Dataset"
for list in Annotations.txt trainSet.txt valSet.txt testSet.txt; do
  [ -f "$base/$list" ] || die "$base/$list is missing after unpacking: is $archive the AVE archive (AVE_Dataset/...)?"
done
[ -d "$base/AVE" ] || die "$base/AVE (the videos) is missing after unpacking"
videos="$(find "$base/AVE" -name '*.mp4' | wc -l)"
counts=""
for list in trainSet valSet testSet; do
  counts="$counts $list $(grep -c '&' "$base/$list.txt")"
done
log "unpacked: $videos videos (the official lists name 4,097 distinct videos in 4,143 rows);$counts (official: 3,339 / 402 / 402 rows)"
log "done; next: data-scripts/ave/prepare.sh --raw $base"

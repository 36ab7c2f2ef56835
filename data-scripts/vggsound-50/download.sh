#!/usr/bin/env bash
# Fetches C2KD's VGGSound-50 split lists (vggsound/datasplit.zip of https://github.com/huofushuo/C2KD, pinned by
# size and SHA-256: train_tiny.csv 25,835 rows, test_tiny.csv 2,500 rows, 50 classes) and unpacks them. The
# clips themselves come from YouTube: fetch-clips.sh fetches their 10 s segments with yt-dlp from your own
# environment, or put the clips you have as <ytid>_<start>.mp4 in RAW_DIR/videos (README.md).
#
#   data-scripts/vggsound-50/download.sh [RAW_DIR] [--url URL] [--sha256 HEX] [--dry-run]
#
# RAW_DIR defaults to data/vggsound-50/raw; the lists land in RAW_DIR/splits/. VGGSOUND_SPLITS_URL (or --url)
# names a mirror (default: the zip at C2KD's pinned commit); --sha256 replaces the pinned digest (and drops the
# pinned size) for another archive. --dry-run prints what would be fetched and what you must supply.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATASET=vggsound-50
export LC_ALL=C
source "$ROOT/data-scripts/lib/common.sh"
source "$ROOT/data-scripts/lib/download.sh"

# C2KD's datasplit.zip at commit f22bb52 (blob 1894728e): 2,701,834 bytes; train.csv / test.csv (309 classes)
# and train_tiny.csv / test_tiny.csv (the 50-class subset).
C2KD_COMMIT=f22bb52e2bc370bf4c871ae4d9245a5c50d351f4
PINNED_SHA=f64a6e2f48a6084aa6254df51c93383c91fa228a03436188ef0a025e20029e1c
PINNED_SIZE=2701834
TRAIN_ROWS=25835 TEST_ROWS=2500 CLASSES=50

usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
raw="$ROOT/data/vggsound-50/raw" sha="$PINNED_SHA" size="$PINNED_SIZE" dry_run=0
url="${VGGSOUND_SPLITS_URL:-https://raw.githubusercontent.com/huofushuo/C2KD/$C2KD_COMMIT/vggsound/datasplit.zip}"
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url="${2:?--url needs a URL}"; shift 2 ;;
    --sha256) sha="${2:?--sha256 needs a hex digest}"; size=""; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "download.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) raw="$1"; shift ;;
  esac
done

if [ "$dry_run" = 1 ]; then
  log "dry run: nothing is fetched"
  dry fetch "datasplit.zip (C2KD's lists) from $url"
  dry size "$(human_bytes "${size:-0}"), sha256 $sha${size:+ (pinned)}; 1 request"
  dry into "$raw/splits: train_tiny.csv (25,835 rows), test_tiny.csv (2,500 rows), $CLASSES classes"
  dry by-hand "the clips: 28,335 ten-second YouTube segments, not downloadable from the kit's sources;"
  dry "" "data-scripts/vggsound-50/fetch-clips.sh fetches them with yt-dlp (yours; many ids are gone), or put"
  dry "" "the ones you have in $raw/videos as <ytid>_<start, 6 digits>.mp4 (10 s from 'start')"
  dry next "data-scripts/vggsound-50/fetch-clips.sh, then data-scripts/vggsound-50/prepare.sh"
  exit 0
fi
need_tool unzip
mkdir -p "$raw/splits"
fetch "$url" "$raw/datasplit.zip" "$sha" "$size"
unzip -tq "$raw/datasplit.zip" >/dev/null 2>&1 || { rm -f "$raw/datasplit.zip"; die "$url did not give a zip archive (deleted); check the address (--url)"; }
log "datasplit.zip: sha256 $(sha256_of "$raw/datasplit.zip"), $(size_of "$raw/datasplit.zip") bytes"
unzip -q -o -j "$raw/datasplit.zip" '*train_tiny.csv' '*test_tiny.csv' -d "$raw/splits" \
  || die "$raw/datasplit.zip has no train_tiny.csv / test_tiny.csv"
train="$(wc -l < "$raw/splits/train_tiny.csv")" test="$(wc -l < "$raw/splits/test_tiny.csv")"
# the label: between "ytid,start," and ",split", unquoted
classes="$(tr -d '\r' < "$raw/splits/train_tiny.csv" | sed -E 's/^[^,]*,[^,]*,//; s/,[^,]*$//; s/^"(.*)"$/\1/' | sort -u | wc -l)"
log "lists: $train train rows, $test test rows, $classes classes in $raw/splits (C2KD: $TRAIN_ROWS / $TEST_ROWS, $CLASSES)"
if [ "$train" != "$TRAIN_ROWS" ] || [ "$test" != "$TEST_ROWS" ] || [ "$classes" != "$CLASSES" ]; then
  log "WARNING: these are not C2KD's counts; results on these lists are not comparable with the paper's"
fi
log "next: data-scripts/vggsound-50/fetch-clips.sh (yt-dlp), or put the clips in $raw/videos as <ytid>_<start>.mp4; then data-scripts/vggsound-50/prepare.sh"

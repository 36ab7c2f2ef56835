#!/usr/bin/env bash
# Fetches C2KD's VGGSound-50 split lists (vggsound/datasplit.zip of https://github.com/huofushuo/C2KD:
# train_tiny.csv, test_tiny.csv) and unpacks them. The videos themselves come from YouTube, which this kit does
# not download: put the clips you have as <ytid>_<start>.mp4 in one folder (see README.md) and run prepare.sh,
# which reports how many of the listed clips it found.
#
#   data-scripts/vggsound/download.sh [RAW_DIR] [--url URL] [--sha256 HEX]
#
# RAW_DIR defaults to data/vggsound/raw; the lists land in RAW_DIR/splits/. VGGSOUND_SPLITS_URL (or --url)
# overrides the address (default: the zip on C2KD's main branch).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATASET=vggsound
export LC_ALL=C
source "$ROOT/data-scripts/lib/common.sh"
source "$ROOT/data-scripts/lib/download.sh"

usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
raw="$ROOT/data/vggsound/raw" sha=""
url="${VGGSOUND_SPLITS_URL:-https://raw.githubusercontent.com/huofushuo/C2KD/main/vggsound/datasplit.zip}"
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url="${2:?--url needs a URL}"; shift 2 ;;
    --sha256) sha="${2:?--sha256 needs a hex digest}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "download.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) raw="$1"; shift ;;
  esac
done
need_tool unzip base
mkdir -p "$raw/splits"
fetch "$url" "$raw/datasplit.zip" "$sha"
unzip -tq "$raw/datasplit.zip" >/dev/null 2>&1 || { rm -f "$raw/datasplit.zip"; die "$url did not give a zip archive (deleted); check the address (--url)"; }
log "datasplit.zip: sha256 $(sha256_of "$raw/datasplit.zip"), $(size_of "$raw/datasplit.zip") bytes"
unzip -q -o -j "$raw/datasplit.zip" '*train_tiny.csv' '*test_tiny.csv' -d "$raw/splits" \
  || die "$raw/datasplit.zip has no train_tiny.csv / test_tiny.csv"
log "lists: $(wc -l < "$raw/splits/train_tiny.csv") train rows, $(wc -l < "$raw/splits/test_tiny.csv") test rows in $raw/splits"
log "next: put the clips in $raw/videos as <ytid>_<start>.mp4, then data-scripts/vggsound/prepare.sh"

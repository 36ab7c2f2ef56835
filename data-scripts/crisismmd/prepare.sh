#!/usr/bin/env bash
# Unpacks the downloaded CrisisMMD v2.0 files and prepares the humanitarian task for the kit's Java loader.
#
#   data-scripts/crisismmd/prepare.sh [--download-dir D] [--raw-dir R] [--out O] [--split all|agreed]
#                                     [--label-column label] [--dedup image|tweet] [--image-size 256]
#
# Defaults: D = data/crisismmd/download, R = data/crisismmd/raw, O = data/crisismmd/prepared, the official
# "all" split, its `label` column, one row per image, images re-encoded by ffmpeg as RGB JPEGs with the
# shorter side at most 256 px (--image-size 0 copies them as they are). Reruns skip finished steps and
# images. Needs /usr/bin/python3, tar, unzip and ffmpeg (bash environment/install-system-packages.sh crisismmd).
# The layout and every rule are in data-scripts/crisismmd/README.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
log() { echo "crisismmd: $*"; }
die() { echo "crisismmd: ERROR: $*" >&2; exit 1; }

download="$ROOT/data/crisismmd/download"
raw="$ROOT/data/crisismmd/raw"
out="$ROOT/data/crisismmd/prepared"
options=()
while [ $# -gt 0 ]; do
  case "$1" in
    --download-dir|--raw-dir|--out|--split|--label-column|--dedup|--image-size)
      [ $# -ge 2 ] || { echo "prepare.sh: $1 needs a value" >&2; usage >&2; exit 2; }
      case "$1" in
        --download-dir) download="$2" ;;
        --raw-dir) raw="$2" ;;
        --out) out="$2" ;;
        *) options+=("$1" "$2") ;;
      esac
      shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "prepare.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
image_size=256 split=all
for ((i = 0; i < ${#options[@]}; i += 2)); do
  case "${options[i]}" in
    --image-size) image_size="${options[i+1]}" ;;
    --split) split="${options[i+1]}" ;;
  esac
done
# the split files of the chosen split only (the agreed-label zip is not needed for the default "all")
case "$split" in
  all) zips=(crisismmd_datasplit_all.zip) ;;
  agreed) zips=(crisismmd_datasplit_agreed_label.zip) ;;
  *) die "--split $split: expected all or agreed" ;;
esac

python=/usr/bin/python3
[ -x "$python" ] || die "$python is missing; install it with: apt-get install python3"
for tool in tar unzip; do
  command -v "$tool" >/dev/null || die "'$tool' is missing; install it with: bash environment/install-system-packages.sh crisismmd"
done
if [ "$image_size" != 0 ]; then
  command -v ffmpeg >/dev/null || die "ffmpeg is missing (it re-encodes the images); install it with: bash environment/install-system-packages.sh crisismmd (or apt-get install ffmpeg), or pass --image-size 0 to copy the images as they are"
fi

archive="$download/CrisisMMD_v2.0.tar.gz"
[ -f "$archive" ] || die "$archive is missing (a .part file means an unfinished download); run data-scripts/crisismmd/download.sh first"
mkdir -p "$raw"
if [ ! -f "$raw/.unpacked-CrisisMMD_v2.0" ]; then
  log "unpacking $archive into $raw"
  tar -xzf "$archive" -C "$raw" || die "cannot unpack $archive (damaged?); delete it and run download.sh again"
  touch "$raw/.unpacked-CrisisMMD_v2.0"
fi
for zip in "${zips[@]}"; do
  [ -f "$download/$zip" ] || die "$download/$zip is missing; run data-scripts/crisismmd/download.sh first"
  if [ ! -f "$raw/.unpacked-$zip" ]; then
    log "unpacking $zip"
    unzip -qo "$download/$zip" -d "$raw/${zip%.zip}" || die "cannot unpack $download/$zip; delete it and run download.sh again"
    touch "$raw/.unpacked-$zip"
  fi
done

mkdir -p "$out"
"$python" "$HERE/prepare.py" --raw "$raw" --out "$out" "${options[@]}"
log "done: $out"

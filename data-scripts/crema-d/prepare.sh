#!/usr/bin/env bash
# Prepares CREMA-D for the kit (layout: data-scripts/crema-d/README.md): frames at 1 fps from VideoFlash/*.flv,
# audio as mono 22,050 Hz WAV from AudioWAV/*.wav, clips.csv with the fixed train / val / test split.
# Resumable: clips already prepared are skipped.
#
#   data-scripts/crema-d/prepare.sh [--raw DIR] [--out DIR] [--jobs N]
#
# Defaults: --raw data/crema-d/raw (download.sh), --out data/crema-d/prepared, --jobs 2. Needs ffmpeg
# (environment/install-system-packages.sh av).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATASET=crema-d
export LC_ALL=C
source "$ROOT/data-scripts/lib/common.sh"
source "$ROOT/data-scripts/lib/av.sh"

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
raw="$ROOT/data/crema-d/raw" out="$ROOT/data/crema-d/prepared" jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --raw) raw="${2:?--raw needs a directory}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --jobs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }; jobs="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "prepare.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
[ -d "$raw/AudioWAV" ] && [ -d "$raw/VideoFlash" ] \
  || die "$raw has no AudioWAV/ and VideoFlash/; download them with data-scripts/crema-d/download.sh (or pass --raw)"
pointer_files="$(lfs_pointers "$raw/AudioWAV" "$raw/VideoFlash" | wc -l)"
[ "$pointer_files" = 0 ] || die "$pointer_files files under $raw/AudioWAV and $raw/VideoFlash are git-lfs pointers, not media (e.g. $(lfs_pointers "$raw/AudioWAV" "$raw/VideoFlash" | head -n 1)): a clone without 'git lfs pull'. Fix: run 'git lfs install && git lfs pull' in $raw (Debian: apt-get install git-lfs), or download the media with data-scripts/crema-d/download.sh and prepare with its default --raw"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
RATE=22050   # librosa's default rate, at which FD-CMKD's released code loads the clips
test_list="$HERE/splits/test.csv"

# 1. clips with both files; the label is the id's third field (e.g. 1001_DFA_ANG_XX -> ANG)
list="$out/.list"
: > "$list"
audio_count=0 video_only=0
for wav in "$raw"/AudioWAV/*.wav; do
  [ -e "$wav" ] || break
  audio_count=$((audio_count + 1))
  id="$(basename "$wav" .wav)"
  video="$raw/VideoFlash/$id.flv"
  if [ -f "$video" ]; then printf '%s\t%s\t%s\n' "$id" "$video" "$wav" >> "$list"; fi
done
for flv in "$raw"/VideoFlash/*.flv; do
  [ -e "$flv" ] || break
  [ -f "$raw/AudioWAV/$(basename "$flv" .flv).wav" ] || video_only=$((video_only + 1))
done
sort -o "$list" "$list"
log "$(wc -l < "$list") clips with audio and video ($audio_count WAVs; $video_only videos without audio)"
[ -s "$list" ] || die "no clip has both AudioWAV/<id>.wav and VideoFlash/<id>.flv under $raw"

# 2. frames and audio
prepare_clips "$out" "$RATE" "$jobs" "$list"

# 3. splits: test = the committed OGM-GE test list (744 clips); val = every 10th training clip of each class
#    (carve_validation); train = the rest
awk -F, '{ sub(/\r$/, "", $2); print $1 }' "$test_list" | sort > "$out/.test-ids"
prepared_ids "$out" "$list" | sort > "$out/.ids"
awk -F_ '{ print $0 "\t" $3 }' "$out/.ids" | join -t$'\t' -v 1 - "$out/.test-ids" | carve_validation \
  | sort > "$out/.val-ids"
mkdir -p "$out/splits"
cp "$out/.val-ids" "$out/splits/val.txt"
{
  echo "id,label,split,class"
  awk 'FILENAME == ARGV[1] { test[$1] = 1; next }
       FILENAME == ARGV[2] { val[$1] = 1; next }
       FILENAME == ARGV[3] { label[$1] = FNR - 1; next }
       { split($1, part, "_"); c = part[3]
         if (!(c in label)) { print "clip " $1 ": emotion " c " is not in classes.txt" > "/dev/stderr"; exit 1 }
         print $1 "," label[c] "," (($1 in test) ? "test" : ($1 in val) ? "val" : "train") "," c }' \
    "$out/.test-ids" "$out/.val-ids" "$HERE/classes.txt" "$out/.ids"
} > "$out/clips.csv.tmp" || die "could not write clips.csv (see above)"
mv -f "$out/clips.csv.tmp" "$out/clips.csv"
missing_test="$(join -v 1 "$out/.test-ids" "$out/.ids" | wc -l)"
[ "$missing_test" = 0 ] || log "WARNING: $missing_test of the 744 test clips are missing (not downloaded or failed)"
write_prepare_json "$out" crema-d "$RATE"
rm -f "$out/.list" "$out/.ids" "$out/.test-ids" "$out/.val-ids"
counts="$(tail -n +2 "$out/clips.csv" | cut -d, -f3 | sort | uniq -c | awk '{ printf "%s %s  ", $2, $1 }')"
log "done: $out/clips.csv: $counts(paper: 6,698 train+val, 744 test)"

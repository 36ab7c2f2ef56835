#!/usr/bin/env bash
# Prepares AVE for the kit (layout: data-scripts/ave/README.md): frames at 1 fps and mono 22,050 Hz audio from
# AVE/<VideoID>.mp4, clips.csv with the official train / val / test lists. Resumable.
#
#   data-scripts/ave/prepare.sh [--raw DIR] [--out DIR] [--jobs N]
#
# --raw is the unpacked AVE_Dataset folder (default data/ave/raw/AVE_Dataset, from download.sh), holding AVE/,
# trainSet.txt, valSet.txt and testSet.txt ("Category&VideoID&Quality&StartTime&EndTime"); --out defaults to
# data/ave/prepared; --jobs 2. Classes are numbered in the order of their first appearance in testSet.txt, as
# C2KD's AVEDataset does. Needs ffmpeg (environment/install-system-packages.sh av).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATASET=ave
export LC_ALL=C
source "$ROOT/data-scripts/lib/common.sh"
source "$ROOT/data-scripts/lib/av.sh"

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
raw="$ROOT/data/ave/raw/AVE_Dataset" out="$ROOT/data/ave/prepared" jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --raw) raw="${2:?--raw needs a directory}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --jobs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }; jobs="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "prepare.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
for list in trainSet.txt valSet.txt testSet.txt; do
  [ -f "$raw/$list" ] || die "$raw/$list is missing; download and unpack AVE with data-scripts/ave/download.sh (or pass --raw)"
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
RATE=22050   # the CREMA-D convention of FD-CMKD's code, whose 257 x 1004 spectrogram C2KD uses for AVE

# rows "split<TAB>category<TAB>id<TAB>start<TAB>end" of the three lists (header lines and CRs dropped,
# repeated ids within a list kept once, as C2KD's loader does)
rows="$out/.rows"
for split in train val test; do
  awk -F'&' -v s="$split" '{ sub(/\r$/, "") } NF >= 5 && $2 != "VideoID" && !seen[$2]++ {
      print s "\t" $1 "\t" $2 "\t" $4 "\t" $5 }' "$raw/${split}Set.txt"
done > "$rows"
awk -F'&' '{ sub(/\r$/, "") } NF >= 5 && $2 != "VideoID" && !seen[$1]++ { print $1 }' "$raw/testSet.txt" > "$out/classes.txt"
classes="$(wc -l < "$out/classes.txt")"
[ "$classes" -ge 2 ] || die "$raw/testSet.txt names $classes categories; expected 28"
[ "$classes" = 28 ] || log "WARNING: testSet.txt names $classes categories, the official AVE has 28"

list="$out/.list"
cut -f3 "$rows" | sort -u | while IFS= read -r id; do
  printf '%s\t%s\t%s\n' "$id" "$raw/AVE/$id.mp4" "$raw/AVE/$id.mp4"
done > "$list"
log "$(wc -l < "$rows") list rows, $(wc -l < "$list") distinct videos, $classes classes"
prepare_clips "$out" "$RATE" "$jobs" "$list"

prepared_ids "$out" "$list" | sort > "$out/.ids"
{
  echo "id,label,split,start,end,class"
  awk -F'\t' 'FILENAME == ARGV[1] { label[$1] = FNR - 1; next }
       FILENAME == ARGV[2] { ok[$1] = 1; next }
       ($3 in ok) { if (!($2 in label)) { print "category " $2 " of " $3 " is not in testSet.txt" > "/dev/stderr"; exit 1 }
         c = $2; gsub(/"/, "\"\"", c); print $3 "," label[$2] "," $1 "," $4 "," $5 ",\"" c "\"" }' \
    "$out/classes.txt" "$out/.ids" "$rows"
} > "$out/clips.csv.tmp" || die "could not write clips.csv (see above)"
mv -f "$out/clips.csv.tmp" "$out/clips.csv"
write_prepare_json "$out" ave "$RATE"
rm -f "$out/.rows" "$out/.list" "$out/.ids"
counts="$(tail -n +2 "$out/clips.csv" | cut -d, -f3 | sort | uniq -c | awk '{ printf "%s %s  ", $2, $1 }')"
log "done: $out/clips.csv: $counts(official: train 3339  val 402  test 402)"

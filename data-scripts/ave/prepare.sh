#!/usr/bin/env bash
# Prepares AVE for the kit as C2KD prepares it (layout and sources: data-scripts/ave/README.md): for each video,
# the annotated event only: frames (the first of each second in [start, end), at least 10) and mono 16 kHz audio
# cut to the event and repeated to 10 s, from AVE/<VideoID>.mp4; clips.csv with the official train / val / test
# lists. Checks the lists (videos listed twice, in two lists with different labels, empty events) and reports
# them in prepare.json and list-anomalies.tsv without failing. Resumable.
#
#   data-scripts/ave/prepare.sh [--raw DIR] [--out DIR] [--jobs N] [--segment event|whole]
#
# --raw is the unpacked AVE_Dataset folder (default data/ave/raw/AVE_Dataset, from download.sh), holding AVE/,
# trainSet.txt, valSet.txt and testSet.txt ("Category&VideoID&Quality&StartTime&EndTime"); --out defaults to
# data/ave/prepared; --jobs 2. --segment whole keeps the whole clip instead (frames at 1 fps, at least 3; 16 kHz
# audio as it is: C2KD's extractImage / extractWav without _SE); use a fresh --out when switching. Classes are
# numbered in the order of their first appearance in testSet.txt, as C2KD's AVEDataset does. Needs ffmpeg
# (environment/install-system-packages.sh av).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATASET=ave
export LC_ALL=C
source "$ROOT/data-scripts/lib/common.sh"
source "$ROOT/data-scripts/lib/av.sh"

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
raw="$ROOT/data/ave/raw/AVE_Dataset" out="$ROOT/data/ave/prepared" jobs=2 segment=event
while [ $# -gt 0 ]; do
  case "$1" in
    --raw) raw="${2:?--raw needs a directory}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --segment) [[ "${2:-}" =~ ^(event|whole)$ ]] || { usage >&2; exit 2; }; segment="$2"; shift 2 ;;
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
RATE=16000   # C2KD: video_preprocessing.py, AVE_dataset.sr (librosa.load(..., sr=16000))
TILE=10      # seconds: C2KD's extractWav_SE repeats the event to sr * 10 samples
MIN_FRAMES=10   # C2KD's extractImage_SE keeps at least 10 frames (min_save_frame=10)

# resuming reuses the clips already prepared: never mix two preparations in one folder
preparation="segment=$segment rate=$RATE"
if [ -f "$out/.preparation" ]; then
  [ "$(cat "$out/.preparation")" = "$preparation" ] \
    || die "$out holds clips prepared with '$(cat "$out/.preparation")', not '$preparation'; remove it or pass another --out"
elif [ -d "$out/audio" ] && [ -n "$(ls -A "$out/audio")" ]; then
  die "$out holds clips of an earlier preparation (whole clip at 22,050 Hz); remove it or pass another --out"
fi
echo "$preparation" > "$out/.preparation"

# every row of the three lists as "split<TAB>category<TAB>id<TAB>start<TAB>end" (header lines and CRs dropped)
all_rows="$out/.all-rows"
for split in train val test; do
  awk -F'&' -v s="$split" '{ sub(/\r$/, "") } NF >= 5 && $2 != "VideoID" { print s "\t" $1 "\t" $2 "\t" $4 "\t" $5 }' \
    "$raw/${split}Set.txt"
done > "$all_rows"
# the rows the kit keeps: a video listed twice in one list is kept once, with its first row (as C2KD's loader)
rows="$out/.rows"
awk -F'\t' '!seen[$1 FS $3]++' "$all_rows" > "$rows"

# list anomalies: list-anomalies.tsv (kind, video, its rows) and the JSON members of prepare.json
awk -F'\t' -v tsv="$out/list-anomalies.tsv" '
  { n++; rows[$1]++; if (!($3 in first)) { first[$3] = NR; videos++ }
    all[$3] = all[$3] (all[$3] == "" ? "" : " | ") $1 ":" $2 ":" $4 "-" $5
    if ((($3, $1) in inlist)) { repeated[$1]++; dup[$3] = 1 } else { inlist[$3, $1] = 1; lists[$3] = lists[$3] " " $1 }
    if (!(($3, $2) in haslabel)) { haslabel[$3, $2] = 1; labels[$3]++ }
    seg = $4 "-" $5; if (!($3 in segment)) segment[$3] = seg; else if (segment[$3] != seg) conflict[$3] = 1
    if ($5 + 0 <= $4 + 0) { empty++; emptyid[$3] = 1 } }
  END {
    print "kind\tvideo\trows (split:category:start-end)" > tsv
    for (v in all) {
      if (v in dup) print "repeated in one list\t" v "\t" all[v] > tsv
      k = split(lists[v], l, " ")
      if (k > 1) { pair = l[1] "+" l[2]; if (k > 2) pair = pair "+" l[3]; cross[pair]++; crossed++
        if (labels[v] > 1) crosslabel[pair]++
        print "in " k " lists\t" v "\t" all[v] > tsv }
      if (labels[v] > 1) twolabels++
      if (v in conflict) { conflicts++; print "different segments\t" v "\t" all[v] > tsv }
      if (v in emptyid) print "empty event (end <= start): one second from start used\t" v "\t" all[v] > tsv
    }
    printf "  \"lists\": {\"rows\": %d, \"videos\": %d, \"rows_per_list\": {\"train\": %d, \"val\": %d, \"test\": %d},\n", \
      n, videos, rows["train"], rows["val"], rows["test"]
    printf "    \"repeated_in_one_list\": {\"train\": %d, \"val\": %d, \"test\": %d},\n", repeated["train"], repeated["val"], repeated["test"]
    printf "    \"in_two_lists\": {\"train+val\": %d, \"train+test\": %d, \"val+test\": %d, \"all three\": %d},\n", \
      cross["train+val"], cross["train+test"], cross["val+test"], cross["train+val+test"]
    printf "    \"in_two_lists_with_different_labels\": {\"train+val\": %d, \"train+test\": %d, \"val+test\": %d, \"all three\": %d},\n", \
      crosslabel["train+val"], crosslabel["train+test"], crosslabel["val+test"], crosslabel["train+val+test"]
    printf "    \"videos_with_more_than_one_label\": %d, \"empty_events\": %d, \"videos_with_different_segments\": %d},\n", \
      twolabels, empty, conflicts
  }' "$all_rows" > "$out/.lists.json"
{ head -n 1 "$out/list-anomalies.tsv"; tail -n +2 "$out/list-anomalies.tsv" | sort -t$'\t' -k1,1 -k2,2; } > "$out/.anomalies" \
  && mv -f "$out/.anomalies" "$out/list-anomalies.tsv"
summary="$(awk '{ gsub(/[{}"]/, ""); printf "%s ", $0 }' "$out/.lists.json" | sed 's/ \+/ /g; s/^ //; s/^lists: //; s/, *$//')"
log "lists: $summary"
[ "$(tail -n +2 "$out/list-anomalies.tsv" | wc -l)" = 0 ] \
  || log "NOTE: the lists hold the anomalies above (official AVE: 4,143 rows of 4,097 distinct videos; 28 videos listed twice in one list, 18 in two lists with different labels, 1 empty event); all are kept as C2KD keeps them, listed in $out/list-anomalies.tsv"
awk -F'&' '{ sub(/\r$/, "") } NF >= 5 && $2 != "VideoID" && !seen[$1]++ { print $1 }' "$raw/testSet.txt" > "$out/classes.txt"
classes="$(wc -l < "$out/classes.txt")"
[ "$classes" -ge 2 ] || die "$raw/testSet.txt names $classes categories; expected 28"
[ "$classes" = 28 ] || log "WARNING: testSet.txt names $classes categories, the official AVE has 28"

# one clip per video, cut to the event of its first row (train, val, test order)
list="$out/.list"
awk -F'\t' -v dir="$raw/AVE" -v segment="$segment" '!seen[$3]++ {
    printf "%s\t%s/%s.mp4\t%s/%s.mp4", $3, dir, $3, dir, $3
    if (segment == "event") printf "\t%s\t%s", $4, $5
    print "" }' "$rows" | sort > "$list"
log "$(wc -l < "$rows") list rows kept, $(wc -l < "$list") distinct videos, $classes classes; segment: $segment"
if [ "$segment" = event ]; then
  prepare_clips "$out" "$RATE" "$jobs" "$list" "$TILE" "$MIN_FRAMES"
  frames_doc="ffmpeg select: the first frame of each second in [start, end) of the event (at least $MIN_FRAMES: $MIN_FRAMES evenly spaced over the event when fewer), -q:v 2"
  audio_doc="ffmpeg -ac 1 -af aresample=resampler=soxr -ar $RATE of the whole clip, cut to samples [start * $RATE, end * $RATE), repeated to $((TILE * RATE)) samples ($TILE s), pcm_s16le"
else
  prepare_clips "$out" "$RATE" "$jobs" "$list"
  frames_doc="" audio_doc=""
fi

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
write_prepare_json "$out" ave "$RATE" "$frames_doc" "$audio_doc" "  \"segment\": \"$segment\",
$(cat "$out/.lists.json")
"
rm -f "$out/.rows" "$out/.all-rows" "$out/.lists.json" "$out/.list" "$out/.ids"
counts="$(tail -n +2 "$out/clips.csv" | cut -d, -f3 | sort | uniq -c | awk '{ printf "%s %s  ", $2, $1 }')"
log "done: $out/clips.csv: $counts(official: train 3339  val 402  test 402)"

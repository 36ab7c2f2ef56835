#!/usr/bin/env bash
# Prepares VGGSound-50 (C2KD's 50-class subset) for the kit from the clips you have: frames at 1 fps and mono
# 16 kHz audio from <videos>/<ytid>_<start>.mp4, clips.csv with train (minus a validation carve) and test from
# C2KD's train_tiny.csv / test_tiny.csv. Reports how many listed clips were found. Resumable.
#
#   data-scripts/vggsound-50/prepare.sh [--videos DIR] [--splits DIR] [--out DIR] [--jobs N] [--keep-short]
#
# Defaults: --videos data/vggsound-50/raw/videos (fetch-clips.sh), --splits data/vggsound-50/raw/splits
# (train_tiny.csv, test_tiny.csv; download.sh fetches them), --out data/vggsound-50/prepared (where
# lib/bin/kit run vggsound-50 reads), --jobs 2. A list row is "ytid,start,label[,...]" (label quoted if it holds
# a comma); its clip is <ytid>_<start padded to 6 digits>.mp4 (C2KD's naming) or <ytid>_<start>.mp4. As C2KD's
# loader does, a clip that gives 3 frames or fewer at 1 fps is left out (dropped.txt; --keep-short keeps it). A
# file longer than the 10 s segment is used whole, with a warning (long-clips.txt). Classes are numbered in the
# order of their first appearance in train_tiny.csv (C2KD's loader numbers them by first appearance among the
# clips it finds). Needs ffmpeg (install-system-packages.sh av).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATASET=vggsound-50
export LC_ALL=C
source "$ROOT/data-scripts/lib/common.sh"
source "$ROOT/data-scripts/lib/av.sh"

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
videos="$ROOT/data/vggsound-50/raw/videos" splits="$ROOT/data/vggsound-50/raw/splits" out="$ROOT/data/vggsound-50/prepared"
jobs=2 keep_short=0
while [ $# -gt 0 ]; do
  case "$1" in
    --videos) videos="${2:?--videos needs a directory}"; shift 2 ;;
    --splits) splits="${2:?--splits needs a directory}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --jobs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }; jobs="$2"; shift 2 ;;
    --keep-short) keep_short=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "prepare.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
need_files "$splits" "fetch C2KD's lists with data-scripts/vggsound-50/download.sh (or pass --splits)" train_tiny.csv test_tiny.csv
[ -d "$videos" ] || die "$videos does not exist; fetch the clips with data-scripts/vggsound-50/fetch-clips.sh, or put the clips you have there as <ytid>_<start>.mp4 (or pass --videos)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
RATE=16000   # C2KD loads VGGSound audio at 16 kHz

# rows "split<TAB>id<TAB>label<TAB>file" for every list row (file empty when the clip is absent)
rows="$out/.rows"
: > "$out/missing.txt"
for split in train test; do
  awk -v s="$split" -v dir="$videos" '
    function field(line, n,    i, c, f, q, out) {   # the n-th CSV field (RFC 4180 quotes)
      f = 1; q = 0; out = ""
      for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q) { if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { if (f == n) out = out c; i++ } else q = 0 } else if (f == n) out = out c }
        else if (c == "\"") q = 1
        else if (c == ",") { if (f == n) return out; f++ }
        else if (f == n) out = out c
      }
      return out
    }
    { sub(/\r$/, "") }
    NF == 0 { next }
    { ytid = field($0, 1); start = field($0, 2); label = field($0, 3)
      if (start !~ /^[0-9]+$/) next                       # a header line
      padded = sprintf("%06d", start); id = ytid "_" padded
      if (seen[id]++) next
      file = dir "/" id ".mp4"
      if ((getline dummy < file) < 0) { file = dir "/" ytid "_" start ".mp4"; if ((getline dummy < file) < 0) file = "" }
      close(dir "/" id ".mp4"); close(dir "/" ytid "_" start ".mp4")
      print s "\t" id "\t" label "\t" file }' "$splits/${split}_tiny.csv"
done > "$rows"
awk -F'\t' '$1 == "train" && !seen[$3]++ { print $3 }' "$rows" > "$out/classes.txt"
classes="$(wc -l < "$out/classes.txt")"
[ "$classes" = 50 ] || log "WARNING: train_tiny.csv names $classes classes, C2KD's subset has 50"
awk -F'\t' -v out="$out/missing.txt" '{ n[$1]++; if ($4 != "") f[$1]++; else print $1 "\t" $2 > out }
  END { for (s in n) printf "vggsound-50: %s: %d listed, %d found\n", s, n[s], f[s] }' "$rows"
awk -F'\t' '$4 != "" && !seen[$2]++ { print $2 "\t" $4 "\t" $4 }' "$rows" > "$out/.list"
[ -s "$out/.list" ] || die "none of the listed clips is in $videos (expected names like <ytid>_000030.mp4)"
prepare_clips "$out" "$RATE" "$jobs" "$out/.list"

prepared_ids "$out" "$out/.list" | sort > "$out/.prepared"

# frames at 1 fps per clip: <= 3 is C2KD's drop rule (len(os.listdir(video_dir)) > 3 keeps a clip); more than 11
# means the file is longer than VGGSound's 10 s segment (a full video, used whole)
find "$out/frames" -mindepth 2 -maxdepth 2 -name '*.jpg' | awk -F/ '{ n[$(NF - 1)]++ } END { for (id in n) print id "\t" n[id] }' \
  | sort | join -t$'\t' "$out/.prepared" - > "$out/.frames"
awk -F'\t' '$2 > 11 { print $1 "\t" $2 " s" }' "$out/.frames" > "$out/long-clips.txt"
if [ -s "$out/long-clips.txt" ]; then
  log "WARNING: $(wc -l < "$out/long-clips.txt") clips are longer than VGGSound's 10 s segment and are used whole, not the 10 s from their 'start' (e.g. $(head -n 1 "$out/long-clips.txt" | tr '\t' ' ')); list in $out/long-clips.txt. Fetch the segments with data-scripts/vggsound-50/fetch-clips.sh, or cut them: ffmpeg -ss START -t 10 -i FULL.mp4 <ytid>_<start>.mp4"
else
  rm -f "$out/long-clips.txt"
fi
if [ "$keep_short" = 1 ]; then
  cp "$out/.prepared" "$out/.ids"
  rm -f "$out/dropped.txt"
else
  awk -F'\t' '$2 <= 3 { print $1 "\t" $2 " frames at 1 fps (C2KD keeps clips with more than 3)" }' "$out/.frames" > "$out/dropped.txt"
  awk -F'\t' '$2 > 3 { print $1 }' "$out/.frames" > "$out/.ids"
  if [ -s "$out/dropped.txt" ]; then
    log "$(wc -l < "$out/dropped.txt") clips give 3 frames or fewer at 1 fps and are left out, as C2KD's loader does (dropped.txt; --keep-short keeps them)"
  else
    rm -f "$out/dropped.txt"
  fi
fi
[ -s "$out/.ids" ] || die "no prepared clip is left (see $out/failed.txt and $out/dropped.txt)"
awk -F'\t' 'FILENAME == ARGV[1] { ok[$1] = 1; next } $1 == "train" && ($2 in ok) { print $2 "\t" $3 }' \
  "$out/.ids" "$rows" | sort | carve_validation | sort > "$out/.val-ids"
mkdir -p "$out/splits"
cp "$out/.val-ids" "$out/splits/val.txt"
{
  echo "id,label,split,class"
  awk -F'\t' 'FILENAME == ARGV[1] { label[$1] = FNR - 1; next }
       FILENAME == ARGV[2] { ok[$1] = 1; next }
       FILENAME == ARGV[3] { val[$1] = 1; next }
       ($2 in ok) { if (!($3 in label)) { print "test clip " $2 ": class \"" $3 "\" is not in train_tiny.csv" > "/dev/stderr"; exit 1 }
         c = $3; gsub(/"/, "\"\"", c)
         print $2 "," label[$3] "," (($1 == "test") ? "test" : ($2 in val) ? "val" : "train") ",\"" c "\"" }' \
    "$out/classes.txt" "$out/.ids" "$out/.val-ids" "$rows"
} > "$out/clips.csv.tmp" || die "could not write clips.csv (see above)"
mv -f "$out/clips.csv.tmp" "$out/clips.csv"
write_prepare_json "$out" vggsound-50 "$RATE"
rm -f "$out/.rows" "$out/.list" "$out/.ids" "$out/.val-ids" "$out/.prepared" "$out/.frames"
counts="$(tail -n +2 "$out/clips.csv" | cut -d, -f3 | sort | uniq -c | awk '{ printf "%s %s  ", $2, $1 }')"
log "done: $out/clips.csv: $counts(listed clips without a video: $(wc -l < "$out/missing.txt"), see missing.txt)"

#!/usr/bin/env bash
# Prepares VGGSound-50 (C2KD's 50-class subset) for the kit from the clips you have: frames at 1 fps and mono
# 16 kHz audio from <videos>/<ytid>_<start>.mp4, clips.csv with train (minus a validation carve) and test from
# C2KD's train_tiny.csv / test_tiny.csv. Reports how many listed clips were found. Resumable.
#
#   data-scripts/vggsound/prepare.sh [--videos DIR] [--splits DIR] [--out DIR] [--jobs N]
#
# Defaults: --videos data/vggsound/raw/videos, --splits data/vggsound/raw/splits (train_tiny.csv, test_tiny.csv;
# download.sh fetches them), --out data/vggsound/prepared, --jobs 2. A list row is "ytid,start,label[,...]"
# (label quoted if it holds a comma); its clip is <ytid>_<start padded to 6 digits>.mp4 (C2KD's naming) or
# <ytid>_<start>.mp4. Classes are numbered in the order of their first appearance in train_tiny.csv (C2KD's
# loader numbers them by first appearance among the clips it finds). Needs ffmpeg (install-system-packages.sh av).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATASET=vggsound
export LC_ALL=C
source "$ROOT/data-scripts/lib/common.sh"
source "$ROOT/data-scripts/lib/av.sh"

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
videos="$ROOT/data/vggsound/raw/videos" splits="$ROOT/data/vggsound/raw/splits" out="$ROOT/data/vggsound/prepared" jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --videos) videos="${2:?--videos needs a directory}"; shift 2 ;;
    --splits) splits="${2:?--splits needs a directory}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --jobs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }; jobs="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "prepare.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
for list in train_tiny.csv test_tiny.csv; do
  [ -f "$splits/$list" ] || die "$splits/$list is missing; fetch C2KD's lists with data-scripts/vggsound/download.sh (or pass --splits)"
done
[ -d "$videos" ] || die "$videos does not exist; put the clips you have there as <ytid>_<start>.mp4 (or pass --videos)"
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
  END { for (s in n) printf "vggsound: %s: %d listed, %d found\n", s, n[s], f[s] }' "$rows"
awk -F'\t' '$4 != "" && !seen[$2]++ { print $2 "\t" $4 "\t" $4 }' "$rows" > "$out/.list"
[ -s "$out/.list" ] || die "none of the listed clips is in $videos (expected names like <ytid>_000030.mp4)"
prepare_clips "$out" "$RATE" "$jobs" "$out/.list"

prepared_ids "$out" "$out/.list" | sort > "$out/.ids"
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
rm -f "$out/.rows" "$out/.list" "$out/.ids" "$out/.val-ids"
counts="$(tail -n +2 "$out/clips.csv" | cut -d, -f3 | sort | uniq -c | awk '{ printf "%s %s  ", $2, $1 }')"
log "done: $out/clips.csv: $counts(listed clips without a video: $(wc -l < "$out/missing.txt"), see missing.txt)"

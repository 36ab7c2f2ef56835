#!/usr/bin/env bash
# Fetches the 10 s VGGSound segments of C2KD's lists from YouTube with yt-dlp, from your own environment: for
# each row "ytid,start,..." of train_tiny.csv and test_tiny.csv, the seconds [start, start + 10) of the video,
# as <videos>/<ytid>_<start, 6 digits>.mp4 (the name prepare.sh and C2KD look for). The kit never needs this
# script (its tests use a stand-in for yt-dlp); YouTube's terms apply to what you fetch.
#
#   data-scripts/vggsound-50/fetch-clips.sh [--splits DIR] [--videos DIR] [--limit N] [--sleep S]
#                                           [--format F] [--retry-unavailable] [--dry-run]
#
# Defaults: --splits data/vggsound-50/raw/splits (download.sh), --videos data/vggsound-50/raw/videos, every row,
# --sleep 2 (seconds between clips: YouTube limits request rates), --format 'bv*[height<=360]+ba/b[height<=360]/b'.
# Resumable: a clip already there is skipped, each clip appears atomically. A video YouTube reports as gone
# (unavailable, private, removed) goes to <videos>/unavailable.txt and is not asked for again
# (--retry-unavailable asks again); other failures go to <videos>/failed.txt and are retried on the next run.
# HTTP 429 (too many requests) or a bot check stops the run: wait, then run it again. YT_DLP names the program
# (default yt-dlp; install it with pipx install yt-dlp, or python3 -m pip install --user yt-dlp: Debian's
# package is usually too old for YouTube); it needs ffmpeg to cut the segment.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATASET=vggsound-50
export LC_ALL=C
source "$ROOT/data-scripts/lib/common.sh"

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
splits="$ROOT/data/vggsound-50/raw/splits" videos="$ROOT/data/vggsound-50/raw/videos" limit=0 pause=2
format='bv*[height<=360]+ba/b[height<=360]/b' retry_unavailable=0 dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    --splits) splits="${2:?--splits needs a directory}"; shift 2 ;;
    --videos) videos="${2:?--videos needs a directory}"; shift 2 ;;
    --limit) [[ "${2:-}" =~ ^[0-9]+$ ]] || { usage >&2; exit 2; }; limit="$2"; shift 2 ;;
    --sleep) [[ "${2:-}" =~ ^[0-9]+([.][0-9]+)?$ ]] || { usage >&2; exit 2; }; pause="$2"; shift 2 ;;
    --format) format="${2:?--format needs a yt-dlp format}"; shift 2 ;;
    --retry-unavailable) retry_unavailable=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fetch-clips.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
need_files "$splits" "fetch C2KD's lists with data-scripts/vggsound-50/download.sh (or pass --splits)" train_tiny.csv test_tiny.csv
yt_dlp="${YT_DLP:-yt-dlp}"
mkdir -p "$videos"
touch "$videos/unavailable.txt"

# "ytid<TAB>start" of every list row, once, in list order (a header or malformed row is skipped)
todo="$videos/.todo"
cat "$splits/train_tiny.csv" "$splits/test_tiny.csv" | tr -d '\r' \
  | awk -F, '$2 ~ /^[0-9]+$/ && $1 != "" && !seen[$1 "," $2]++ { print $1 "\t" $2 }' > "$todo"
listed="$(wc -l < "$todo")"
awk -F'\t' -v dir="$videos" -v retry="$retry_unavailable" '
  FILENAME == ARGV[1] { gone[$1] = 1; next }
  { id = sprintf("%s_%06d", $1, $2)
    if ((getline line < (dir "/" id ".mp4")) >= 0 || (getline line < (dir "/" $1 "_" $2 ".mp4")) >= 0) { close(dir "/" id ".mp4"); close(dir "/" $1 "_" $2 ".mp4"); have++; next }
    close(dir "/" id ".mp4"); close(dir "/" $1 "_" $2 ".mp4")
    if (!retry && (id in gone)) { skipped++; next }
    print }
  END { printf "%d %d\n", have, skipped > "/dev/stderr" }' "$videos/unavailable.txt" "$todo" 2> "$videos/.counts" > "$todo.left"
read -r have skipped < "$videos/.counts"
mv -f "$todo.left" "$todo"
rm -f "$videos/.counts"
[ "$limit" -gt 0 ] && { head -n "$limit" "$todo" > "$todo.head"; mv -f "$todo.head" "$todo"; }
left="$(wc -l < "$todo")"
log "$listed clips listed: $have already in $videos, $skipped known to be gone (unavailable.txt), $left to fetch"

if [ "$dry_run" = 1 ]; then
  log "dry run: nothing is fetched"
  dry fetch "$left segments of 10 s with $yt_dlp from https://www.youtube.com/watch?v=<ytid> (--download-sections *START-END)"
  dry size "not known in advance: it depends on --format ($format); one YouTube request set per clip, $pause s apart"
  dry into "$videos/<ytid>_<start, 6 digits>.mp4"
  dry by-hand "yt-dlp and ffmpeg in your environment (pipx install yt-dlp; apt-get install ffmpeg); many ids are gone"
  rm -f "$todo"
  exit 0
fi
[ "$left" -gt 0 ] || { rm -f "$todo"; log "nothing to fetch; next: data-scripts/vggsound-50/prepare.sh"; exit 0; }
command -v "$yt_dlp" >/dev/null 2>&1 || die "$yt_dlp not found: install it in your environment (pipx install yt-dlp, or python3 -m pip install --user yt-dlp; Debian's package is usually too old for YouTube), or set YT_DLP; the kit does not install it"
need_tool ffmpeg av

fetched=0 gone=0 failed=0 n=0
: > "$videos/failed.txt"
while IFS=$'\t' read -r ytid start; do
  n=$((n + 1))
  id="$(printf '%s_%06d' "$ytid" "$start")"
  tmp="$videos/.$id.part"
  rm -f "$tmp".*
  if "$yt_dlp" --quiet --no-warnings --no-playlist --no-progress -f "$format" \
      --download-sections "*$start-$((start + 10))" --force-keyframes-at-cuts --merge-output-format mp4 \
      -o "$tmp.%(ext)s" "https://www.youtube.com/watch?v=$ytid" < /dev/null 2> "$tmp.log" && [ -s "$tmp.mp4" ]; then
    mv -f "$tmp.mp4" "$videos/$id.mp4"
    fetched=$((fetched + 1))
  else
    reason="$(grep -v '^[[:space:]]*$' "$tmp.log" | tail -n 1)"
    [ -n "$reason" ] || reason="$yt_dlp wrote no $tmp.mp4"
    case "$reason" in
      *"HTTP Error 429"*|*"Too Many Requests"*|*"Sign in to confirm"*)
        rm -f "$tmp".* "$todo"
        die "YouTube limits this address ($id: $reason). $fetched clips fetched in this run; wait (hours, not minutes), then run the same command again: it resumes. A larger --sleep helps" ;;
      *"Video unavailable"*|*"Private video"*|*"has been removed"*|*"account associated"*|*"not available"*|*"terminated"*)
        printf '%s\t%s\n' "$id" "$reason" >> "$videos/unavailable.txt"; gone=$((gone + 1)) ;;
      *) printf '%s\t%s\n' "$id" "$reason" >> "$videos/failed.txt"; failed=$((failed + 1)) ;;
    esac
  fi
  rm -f "$tmp".*
  [ $((n % 50)) = 0 ] && log "$n of $left: $fetched fetched, $gone gone, $failed failed"
  [ "$n" -lt "$left" ] && sleep "$pause"
done < "$todo"
rm -f "$todo"
[ -s "$videos/failed.txt" ] || rm -f "$videos/failed.txt"
log "done: $fetched fetched, $gone gone (unavailable.txt), $failed failed (failed.txt: run again to retry); $((have + fetched)) of $listed clips in $videos"
log "next: data-scripts/vggsound-50/prepare.sh (it reports the counts per split; report them with any result)"

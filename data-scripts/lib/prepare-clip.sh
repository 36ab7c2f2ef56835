#!/usr/bin/env bash
# Prepares one clip (called by prepare_clips in data-scripts/lib/av.sh):
#   prepare-clip.sh OUT RATE TILE MIN_FRAMES ID VIDEO AUDIO_SOURCE [START END]
# Whole clip (no START / END): frames at 1 fps as OUT/frames/ID/001.jpg ... (at least MIN_FRAMES: if 1 fps gives
# fewer, MIN_FRAMES evenly spaced frames over the duration), audio as OUT/audio/ID.wav (mono, RATE Hz, 16-bit
# PCM, soxr resampler).
# Event segment [START, END) in seconds (END <= START is taken as START + 1): frames are the first frame of each
# second in [START, END) (if fewer than MIN_FRAMES, MIN_FRAMES evenly spaced over the event instead); audio is the
# whole clip at RATE Hz, cut to samples [START * RATE, END * RATE) (less if the audio ends earlier) and, if TILE
# > 0, repeated and cut to exactly TILE * RATE samples. Each output appears atomically (written under a temporary
# name, then renamed); a clip with both outputs is skipped. Errors go to stderr as one line "ID: what went wrong".
set -uo pipefail
out="$1" rate="$2" tile="$3" min_frames="$4" id="$5" video="$6" audio="$7" start="${8:-}" end="${9:-}"
frames="$out/frames/$id" wav="$out/audio/$id.wav"
[ -d "$frames" ] && [ -f "$wav" ] && exit 0
fail() { echo "$id: $*" >&2; exit 1; }
[ -f "$video" ] || fail "video $video is missing"
[ -f "$audio" ] || fail "audio source $audio is missing"
event=0
if [ $# -ge 8 ]; then
  [[ "$start" =~ ^[0-9]+(\.[0-9]+)?$ && "$end" =~ ^[0-9]+(\.[0-9]+)?$ ]] \
    || fail "event start '$start' / end '$end' are not seconds"
  awk "BEGIN { exit !($end > $start) }" || end="$(awk "BEGIN { print $start + 1 }")"
  event=1
fi

# select expression: from the frames with time t in [from, to) (seconds since the first frame), the first one in
# each interval of 1 / per_second seconds counted from 'from'
select_frames() {
  local from="$1" to="$2" per_second="$3" t="(t-start_t)" p="(prev_selected_t-start_t)"
  echo "select='gte($t\\,$from)*lt($t\\,$to)*(isnan(prev_selected_t)+gte(floor(($t-$from)*$per_second)-floor(($p-$from)*$per_second)\\,1))'"
}
duration() {
  local d
  d="$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$video")"
  [[ "$d" =~ ^[0-9.]+$ ]] && awk "BEGIN { exit !($d > 0) }" || return 1
  echo "$d"
}

if [ ! -d "$frames" ]; then
  tmp="$out/frames/.$id.tmp"
  rm -rf "$tmp" && mkdir -p "$tmp"
  if [ "$event" = 1 ]; then
    ffmpeg -nostdin -v error -y -i "$video" -vf "$(select_frames "$start" "$end" 1)" -fps_mode passthrough -q:v 2 \
      "$tmp/%03d.jpg" 2>"$tmp.log" || fail "ffmpeg could not extract frames from $video: $(tail -n 1 "$tmp.log")"
  else
    ffmpeg -nostdin -v error -y -i "$video" -vf fps=1 -q:v 2 "$tmp/%03d.jpg" 2>"$tmp.log" \
      || fail "ffmpeg could not extract frames from $video: $(tail -n 1 "$tmp.log")"
  fi
  count="$(find "$tmp" -name '*.jpg' | wc -l)"
  if [ "$count" -lt "$min_frames" ]; then
    d="$(duration)" || fail "$video gives $count frames at 1 fps and ffprobe reports no duration"
    rm -f "$tmp"/*.jpg
    if [ "$event" = 1 ]; then
      to="$(awk "BEGIN { print ($end < $d) ? $end : $d }")"
      awk "BEGIN { exit !($to > $start) }" || fail "the event starts at $start s, after the end of $video ($d s)"
      per_second="$(awk "BEGIN { printf \"%.9f\", $min_frames / ($to - $start) }")"
      ffmpeg -nostdin -v error -y -i "$video" -vf "$(select_frames "$start" "$to" "$per_second")" -fps_mode passthrough \
        -q:v 2 "$tmp/%03d.jpg" 2>"$tmp.log" \
        || fail "ffmpeg could not extract $min_frames frames from $video: $(tail -n 1 "$tmp.log")"
    else
      ffmpeg -nostdin -v error -y -i "$video" -vf "fps=$min_frames/$d" -frames:v "$min_frames" -q:v 2 "$tmp/%03d.jpg" \
        2>"$tmp.log" || fail "ffmpeg could not extract $min_frames frames from $video: $(tail -n 1 "$tmp.log")"
    fi
    count="$(find "$tmp" -name '*.jpg' | wc -l)"
    [ "$count" -ge 1 ] || fail "$video has no decodable frame${start:+ in the event [$start, $end) s}"
  fi
  rm -f "$tmp.log"
  mv "$tmp" "$frames" || fail "cannot move $tmp to $frames"
fi

tmp_wav="$out/audio/.$id.tmp.wav"
if [ "$event" = 0 ]; then
  ffmpeg -nostdin -v error -y -i "$audio" -vn -ac 1 -af aresample=resampler=soxr -ar "$rate" -c:a pcm_s16le \
    -bitexact -f wav "$tmp_wav" 2>"$tmp_wav.log" \
    || { rm -f "$tmp_wav"; fail "ffmpeg could not extract audio from $audio: $(tail -n 1 "$tmp_wav.log")"; }
else
  # the whole clip is resampled first, then cut at sample START * RATE (as C2KD cuts the loaded waveform)
  raw="$out/audio/.$id.tmp.raw" segment="$out/audio/.$id.tmp.segment" tiled="$out/audio/.$id.tmp.tiled"
  cleanup() { rm -f "$raw" "$segment" "$tiled" "$tmp_wav"; }
  ffmpeg -nostdin -v error -y -i "$audio" -vn -ac 1 -af aresample=resampler=soxr -ar "$rate" -f s16le -c:a pcm_s16le \
    "$raw" 2>"$tmp_wav.log" \
    || { cleanup; fail "ffmpeg could not extract audio from $audio: $(tail -n 1 "$tmp_wav.log")"; }
  samples=$(( $(stat -c %s "$raw") / 2 ))
  from="$(awk "BEGIN { printf \"%d\", $start * $rate + 0.5 }")"
  to="$(awk "BEGIN { printf \"%d\", $end * $rate + 0.5 }")"
  [ "$to" -le "$samples" ] || to="$samples"
  [ "$to" -gt "$from" ] || { cleanup; fail "the event starts at $start s, after the end of the audio of $audio ($samples samples at $rate Hz)"; }
  dd if="$raw" of="$segment" bs=65536 iflag=skip_bytes,count_bytes skip=$((2 * from)) count=$((2 * (to - from))) \
    status=none || { cleanup; fail "cannot cut the event from $raw"; }
  if [ "$tile" -gt 0 ]; then
    length=$(( tile * rate )) copies=$(( (tile * rate + to - from - 1) / (to - from) ))
    for ((k = 0; k < copies; k++)); do cat "$segment"; done > "$tiled"
    truncate -s $((2 * length)) "$tiled"
  else
    mv -f "$segment" "$tiled"
  fi
  ffmpeg -nostdin -v error -y -f s16le -ar "$rate" -ac 1 -i "$tiled" -c:a pcm_s16le -bitexact -f wav "$tmp_wav" \
    2>"$tmp_wav.log" || { cleanup; fail "ffmpeg could not write $wav: $(tail -n 1 "$tmp_wav.log")"; }
  rm -f "$raw" "$segment" "$tiled"
fi
rm -f "$tmp_wav.log"
[ "$(stat -c %s "$tmp_wav")" -gt 44 ] || { rm -f "$tmp_wav"; fail "$audio has no audio samples"; }
mv -f "$tmp_wav" "$wav"

#!/usr/bin/env bash
# Prepares one clip (called by prepare_clips in data-scripts/lib/av.sh):
#   prepare-clip.sh OUT RATE ID VIDEO AUDIO_SOURCE
# frames at 1 fps as OUT/frames/ID/001.jpg ... (at least 3: if 1 fps gives fewer, 3 evenly spaced frames over
# the duration), audio as OUT/audio/ID.wav (mono, RATE Hz, 16-bit PCM, soxr resampler). Each output appears
# atomically (written under a temporary name, then renamed); a clip with both outputs is skipped. Errors go to
# stderr as one line "ID: what went wrong".
set -uo pipefail
out="$1" rate="$2" id="$3" video="$4" audio="$5"
frames="$out/frames/$id" wav="$out/audio/$id.wav"
[ -d "$frames" ] && [ -f "$wav" ] && exit 0
fail() { echo "$id: $*" >&2; exit 1; }
[ -f "$video" ] || fail "video $video is missing"
[ -f "$audio" ] || fail "audio source $audio is missing"
if [ ! -d "$frames" ]; then
  tmp="$out/frames/.$id.tmp"
  rm -rf "$tmp" && mkdir -p "$tmp"
  ffmpeg -nostdin -v error -y -i "$video" -vf fps=1 -q:v 2 "$tmp/%03d.jpg" 2>"$tmp.log" \
    || fail "ffmpeg could not extract frames from $video: $(tail -n 1 "$tmp.log")"
  count="$(find "$tmp" -name '*.jpg' | wc -l)"
  if [ "$count" -lt 3 ]; then
    duration="$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$video")"
    [[ "$duration" =~ ^[0-9.]+$ ]] && awk "BEGIN { exit !($duration > 0) }" \
      || fail "$video gives $count frames at 1 fps and ffprobe reports no duration ('$duration')"
    rm -f "$tmp"/*.jpg
    ffmpeg -nostdin -v error -y -i "$video" -vf "fps=3/$duration" -frames:v 3 -q:v 2 "$tmp/%03d.jpg" 2>"$tmp.log" \
      || fail "ffmpeg could not extract 3 frames from $video: $(tail -n 1 "$tmp.log")"
    count="$(find "$tmp" -name '*.jpg' | wc -l)"
    [ "$count" -ge 1 ] || fail "$video has no decodable frame"
  fi
  rm -f "$tmp.log"
  mv "$tmp" "$frames" || fail "cannot move $tmp to $frames"
fi
tmp_wav="$out/audio/.$id.tmp.wav"
ffmpeg -nostdin -v error -y -i "$audio" -vn -ac 1 -af aresample=resampler=soxr -ar "$rate" -c:a pcm_s16le \
  -bitexact -f wav "$tmp_wav" 2>"$tmp_wav.log" \
  || { rm -f "$tmp_wav"; fail "ffmpeg could not extract audio from $audio: $(tail -n 1 "$tmp_wav.log")"; }
rm -f "$tmp_wav.log"
[ "$(stat -c %s "$tmp_wav")" -gt 44 ] || { rm -f "$tmp_wav"; fail "$audio has no audio samples"; }
mv -f "$tmp_wav" "$wav"

#!/usr/bin/env bash
# Shared preparation of the audio-visual datasets (CREMA-D, AVE, VGGSound-50) into the layout that
# dev.cmkd.data.av.PreparedAvLoader reads. Source data-scripts/lib/common.sh first.
#
#   prepare_clips OUT RATE JOBS LIST [TILE [MIN_FRAMES]]
#                                      LIST: lines "id<TAB>video<TAB>audio source" (audio source may be the
#                                      video), or "...<TAB>start<TAB>end" to keep only the event [start, end)
#                                      (seconds; audio repeated to TILE seconds if TILE > 0, default 0);
#                                      writes OUT/frames/<id>/NNN.jpg (at least MIN_FRAMES, default 3) and
#                                      OUT/audio/<id>.wav for each, skipping clips already done (see
#                                      prepare-clip.sh); failures go to OUT/failed.txt
#   prepared_ids OUT LIST             the ids of LIST whose frames and audio are under OUT
#   carve_validation                  stdin "id<TAB>class" of the training clips, sorted by id; prints the ids
#                                      of the validation carve: within each class, in id order, every 10th clip
#                                      (positions 9, 19, 29, ... counted from 0)
#   write_prepare_json OUT DATASET RATE [FRAMES AUDIO [EXTRA]]
#                                      prepare.json: tool versions, parameters, counts per split; FRAMES and
#                                      AUDIO describe the extraction (default: prepare-clip.sh's whole clip),
#                                      EXTRA is more JSON members ('"key": value,' lines) put before the counts

LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

prepare_clips() {
  local out="$1" rate="$2" jobs="$3" list="$4" tile="${5:-0}" min_frames="${6:-3}"
  need_tool ffmpeg av
  need_tool ffprobe av
  mkdir -p "$out/frames" "$out/audio"
  rm -f "$out/failed.txt"
  local total fields what
  total="$(wc -l < "$list")"
  fields="$(head -n 1 "$list" | awk -F'\t' '{ print NF }')"
  what="frames at 1 fps, at least $min_frames; audio mono ${rate} Hz"
  if [ "$fields" = 5 ]; then
    what="the annotated event only: $what"
    [ "$tile" -gt 0 ] && what="$what, repeated to $tile s"
  fi
  log "preparing $total clips with $jobs parallel jobs ($what)"
  # xargs exits 123 when some clip failed; those are counted and listed below.
  tr '\t' '\n' < "$list" | xargs -d '\n' -n "$fields" -P "$jobs" bash "$LIB_DIR/prepare-clip.sh" "$out" "$rate" \
    "$tile" "$min_frames" 2>>"$out/failed.txt" || true
  local done_count
  done_count="$(prepared_ids "$out" "$list" | wc -l)"
  if [ -s "$out/failed.txt" ]; then
    log "WARNING: $((total - done_count)) of $total clips could not be prepared; see $out/failed.txt"
  else
    rm -f "$out/failed.txt"
  fi
  log "prepared $done_count of $total clips"
  [ "$done_count" -gt 0 ] || die "no clip could be prepared; the reasons are in $out/failed.txt"
}

# The clips of LIST (first column) that have frames and audio under OUT.
prepared_ids() {
  local out="$1" list="$2"
  cut -f1 "$list" | while IFS= read -r id; do
    if [ -d "$out/frames/$id" ] && [ -f "$out/audio/$id.wav" ]; then echo "$id"; fi
  done
}

carve_validation() {
  sort -t$'\t' -k2,2 -k1,1 -s | awk -F'\t' '{ if ($2 != class) { class = $2; k = 0 } if (k % 10 == 9) print $1; k++ }'
}

write_prepare_json() {
  local out="$1" dataset="$2" rate="$3"
  local frames="${4:-ffmpeg -vf fps=1 -q:v 2 (at least 3 per clip: fps=3/duration when 1 fps gives fewer)}"
  local audio="${5:-ffmpeg -ac 1 -af aresample=resampler=soxr -ar $rate -c:a pcm_s16le -bitexact}" extra="${6:-}"
  local ffmpeg_version counts
  ffmpeg_version="$(ffmpeg -version | head -n 1)"
  counts="$(tail -n +2 "$out/clips.csv" | awk -F, '{ n[$3]++ } END { s = ""; for (k in n) s = s sprintf("%s\"%s\": %d", s == "" ? "" : ", ", k, n[k]); print s }')"
  cat > "$out/prepare.json.tmp" <<JSON
{
  "dataset": "$dataset",
  "prepared": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "ffmpeg": "$ffmpeg_version",
  "frames": "$frames",
  "audio": "$audio",
${extra}  "counts": {$counts}
}
JSON
  mv -f "$out/prepare.json.tmp" "$out/prepare.json"
}

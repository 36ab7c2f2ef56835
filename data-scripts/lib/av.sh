#!/usr/bin/env bash
# Shared preparation of the audio-visual datasets (CREMA-D, AVE, VGGSound-50) into the layout that
# dev.cmkd.data.av.PreparedAvLoader reads. Source data-scripts/lib/common.sh first.
#
#   prepare_clips OUT RATE JOBS LIST   LIST: lines "id<TAB>video<TAB>audio source" (audio source may be the
#                                      video); writes OUT/frames/<id>/NNN.jpg and OUT/audio/<id>.wav for each,
#                                      skipping clips already done; failures go to OUT/failed.txt
#   prepared_ids OUT LIST             the ids of LIST whose frames and audio are under OUT
#   carve_validation                  stdin "id<TAB>class" of the training clips, sorted by id; prints the ids
#                                      of the validation carve: within each class, in id order, every 10th clip
#                                      (positions 9, 19, 29, ... counted from 0)
#   write_prepare_json OUT DATASET RATE   prepare.json: tool versions, parameters, counts per split

LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

prepare_clips() {
  local out="$1" rate="$2" jobs="$3" list="$4"
  need_tool ffmpeg av
  need_tool ffprobe av
  mkdir -p "$out/frames" "$out/audio"
  rm -f "$out/failed.txt"
  local total
  total="$(wc -l < "$list")"
  log "preparing $total clips with $jobs parallel jobs (frames at 1 fps, at least 3; audio mono ${rate} Hz)"
  # xargs exits 123 when some clip failed; those are counted and listed below.
  tr '\t' '\n' < "$list" | xargs -d '\n' -n 3 -P "$jobs" bash "$LIB_DIR/prepare-clip.sh" "$out" "$rate" \
    2>>"$out/failed.txt" || true
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
    [ -d "$out/frames/$id" ] && [ -f "$out/audio/$id.wav" ] && echo "$id"
  done
}

carve_validation() {
  sort -t$'\t' -k2,2 -k1,1 -s | awk -F'\t' '{ if ($2 != class) { class = $2; k = 0 } if (k % 10 == 9) print $1; k++ }'
}

write_prepare_json() {
  local out="$1" dataset="$2" rate="$3"
  local ffmpeg_version counts
  ffmpeg_version="$(ffmpeg -version | head -n 1)"
  counts="$(tail -n +2 "$out/clips.csv" | awk -F, '{ n[$3]++ } END { s = ""; for (k in n) s = s sprintf("%s\"%s\": %d", s == "" ? "" : ", ", k, n[k]); print s }')"
  cat > "$out/prepare.json.tmp" <<JSON
{
  "dataset": "$dataset",
  "prepared": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "ffmpeg": "$ffmpeg_version",
  "frames": "ffmpeg -vf fps=1 -q:v 2 (at least 3 per clip: fps=3/duration when 1 fps gives fewer)",
  "audio": "ffmpeg -ac 1 -af aresample=resampler=soxr -ar $rate -c:a pcm_s16le -bitexact",
  "counts": {$counts}
}
JSON
  mv -f "$out/prepare.json.tmp" "$out/prepare.json"
}

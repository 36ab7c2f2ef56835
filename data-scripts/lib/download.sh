#!/usr/bin/env bash
# fetch: a resumable, verified download with curl. Source data-scripts/lib/common.sh first.
#
#   fetch URL DEST [SHA256] [SIZE]
#
# Downloads URL into DEST.part, resuming a partial DEST.part left by an interrupted run (curl -C -), then
# checks the size and the SHA-256 when given and only then renames it to DEST. A DEST that is already there
# and verifies is kept. A wrong size or checksum deletes the partial file and stops with a message naming the
# file, the expected and actual values, and what to do. FETCH_RETRIES (3) and FETCH_QUIET (0) tune curl.

fetch() {
  local url="$1" dest="$2" sha="${3:-}" size="${4:-}"
  local part="$dest.part"
  if [ -f "$dest" ] && _fetch_verify "$dest" "$sha" "$size" >/dev/null; then
    return 0
  fi
  need_tool curl base
  mkdir -p "$(dirname "$dest")"
  if [ -f "$dest" ]; then
    log "$dest does not verify ($(_fetch_verify "$dest" "$sha" "$size")); downloading it again"
    rm -f "$dest"
  fi
  if [ -n "$size" ] && [ -f "$part" ] && [ "$(size_of "$part")" -gt "$size" ]; then
    log "$part is larger than the expected $size bytes; starting it again"
    rm -f "$part"
  fi
  if [ -z "$size" ] || [ ! -f "$part" ] || [ "$(size_of "$part")" -lt "$size" ]; then
    local have=0
    [ -f "$part" ] && have="$(size_of "$part")"
    [ "$have" -gt 0 ] && log "resuming $dest after $have bytes"
    local progress=(--progress-bar)
    [ "${FETCH_QUIET:-0}" = 1 ] && progress=(--silent --show-error)
    local status=0
    curl --fail --location --retry "${FETCH_RETRIES:-3}" --retry-delay 2 "${progress[@]}" -C - -o "$part" "$url" \
      || status=$?
    if [ "$status" != 0 ]; then
      local now=0
      [ -f "$part" ] && now="$(size_of "$part")"
      die "download of $url failed (curl exit $status; $now bytes in $part). Check the address and the network, then run the same command again: it resumes from $part"
    fi
  fi
  local problem
  if ! problem="$(_fetch_verify "$part" "$sha" "$size")"; then
    rm -f "$part"
    die "$dest: $problem. The download is damaged or the source changed; $part was deleted, run the same command again to download it anew. If it fails again, the source file changed: report it (expected values are in the script or the source's checksum list)"
  fi
  mv -f "$part" "$dest"
}

# _fetch_verify FILE SHA256 SIZE: prints the first mismatch and returns 1, or returns 0.
_fetch_verify() {
  local file="$1" sha="$2" size="$3" actual
  if [ -n "$size" ]; then
    actual="$(size_of "$file")"
    [ "$actual" = "$size" ] || { echo "size is $actual bytes, expected $size"; return 1; }
  fi
  if [ -n "$sha" ]; then
    actual="$(sha256_of "$file")"
    [ "$actual" = "$sha" ] || { echo "sha256 is $actual, expected $sha"; return 1; }
  fi
  return 0
}

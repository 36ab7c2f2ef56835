#!/usr/bin/env bash
# fetch: a resumable, verified download with curl. Source data-scripts/lib/common.sh first.
#
#   fetch URL DEST [SHA256] [SIZE]
#
# Downloads URL into DEST.part, resuming a partial DEST.part left by an interrupted run (curl -C -), then
# checks the size and the SHA-256 when given and only then renames it to DEST. A DEST that is already there
# and verifies is kept. A wrong size or checksum deletes the partial file and stops with a message naming the
# file, the expected and actual values, and what to do.
#
# Busy hosts: an answer HTTP 429 or 503, or a dropped connection, is retried up to FETCH_RETRIES times (6).
# The wait is the host's Retry-After (seconds or an HTTP date) when it sends one, else 2, 4, 8, ... s; a host
# that asks for more than FETCH_MAX_WAIT seconds (600) stops the script with the time to come back. When
# FETCH_PAUSE_FILE names a file, the wait is written there and every fetch of the same script (parallel ones
# too) waits it out before its next request, so one 429 pauses them all. FETCH_QUIET=1 hides curl's progress.

fetch() {
  local url="$1" dest="$2" sha="${3:-}" size="${4:-}"
  local part="$dest.part"
  if [ -f "$dest" ] && _fetch_verify "$dest" "$sha" "$size" >/dev/null; then
    return 0
  fi
  need_tool curl
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
    _fetch_with_backoff "$url" "$part"
  fi
  local problem
  if ! problem="$(_fetch_verify "$part" "$sha" "$size")"; then
    rm -f "$part"
    die "$dest: $problem. The download is damaged or the source changed; $part was deleted, run the same command again to download it anew. If it fails again, the source file changed: report it (expected values are in the script or the source's checksum list)"
  fi
  mv -f "$part" "$dest"
}

# _fetch_with_backoff URL PART: curl into PART (resuming it) until it succeeds, waiting out 429 / 503 answers
# and dropped connections as described above; stops the script when the attempts run out.
_fetch_with_backoff() {
  local url="$1" part="$2"
  local retries="${FETCH_RETRIES:-6}" max_wait="${FETCH_MAX_WAIT:-600}" attempt=0
  local headers="$part.headers"
  local progress=(--progress-bar)
  [ "${FETCH_QUIET:-0}" = 1 ] && progress=(--silent --show-error)
  while true; do
    _fetch_pause
    local status=0 code
    code="$(curl --fail --location --connect-timeout 30 "${progress[@]}" -C - -D "$headers" -w '%{http_code}' \
      -o "$part" "$url")" || status=$?
    [ "$status" = 0 ] && { rm -f "$headers"; return 0; }
    local wait="" why=""
    case "$status:$code" in
      22:429|22:503) why="HTTP $code"; wait="$(_fetch_retry_after "$headers")" ;;
      6:*|7:*|18:*|28:*|52:*|55:*|56:*|92:*) why="curl exit $status (connection)" ;;
    esac
    rm -f "$headers"
    local now=0
    [ -f "$part" ] && now="$(size_of "$part")"
    if [ -z "$why" ]; then
      die "download of $url failed (curl exit $status, HTTP ${code:-none}; $now bytes in $part). Check the address and the network, then run the same command again: it resumes from $part"
    fi
    attempt=$((attempt + 1))
    if [ "$attempt" -gt "$retries" ]; then
      die "download of $url failed: $why after $retries retries ($now bytes in $part). The host is busy or limits requests; wait a while, then run the same command again: it resumes from $part and skips what is verified"
    fi
    local source="Retry-After"
    if [ -z "$wait" ]; then wait=$((1 << attempt)); source="backoff"; fi
    if [ "$wait" -gt "$max_wait" ]; then
      die "$url: $why, and the host asks to wait $wait s (Retry-After), more than FETCH_MAX_WAIT=$max_wait s; run the same command again after $(date -u -d "@$(($(date +%s) + wait))" +%H:%M) UTC: it resumes"
    fi
    log "$why from $(_fetch_host "$url"): waiting $wait s ($source) before retry $attempt of $retries"
    if [ -n "${FETCH_PAUSE_FILE:-}" ]; then
      echo "$(($(date +%s) + wait))" > "$FETCH_PAUSE_FILE.$$" && mv -f "$FETCH_PAUSE_FILE.$$" "$FETCH_PAUSE_FILE"
    fi
    sleep "$wait"
  done
}

# Waits until the time in FETCH_PAUSE_FILE (seconds since the epoch), if any, has passed.
_fetch_pause() {
  [ -n "${FETCH_PAUSE_FILE:-}" ] && [ -f "$FETCH_PAUSE_FILE" ] || return 0
  local until now
  until="$(cat "$FETCH_PAUSE_FILE" 2>/dev/null)"
  now="$(date +%s)"
  [[ "$until" =~ ^[0-9]+$ ]] && [ "$until" -gt "$now" ] && sleep $((until - now))
  return 0
}

# The seconds of the last Retry-After header in a curl header dump (a number or an HTTP date), or nothing.
_fetch_retry_after() {
  local value at
  value="$(tr -d '\r' < "$1" 2>/dev/null | awk 'tolower($1) == "retry-after:" { $1 = ""; v = substr($0, 2) } END { print v }')"
  if [[ "$value" =~ ^[0-9]+$ ]]; then
    echo "$value"
  elif [ -n "$value" ] && at="$(date -d "$value" +%s 2>/dev/null)"; then
    local left=$((at - $(date +%s)))
    [ "$left" -gt 0 ] && echo "$left" || echo 1
  fi
}

_fetch_host() { local rest="${1#*://}"; echo "${rest%%/*}"; }

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

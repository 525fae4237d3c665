#!/usr/bin/env bash
# The watchdog of the stability document (../shared/USERS.md), as a baseline for scripts/bench: a bash
# loop that checks every target every INTERVAL seconds (60 by default) with the docker CLI and curl,
# restarts the container after a failed check, and after 3 failed attempts in a row runs a full
# compose restart (down, then up -d). One target per line of TARGETS_FILE:
#   name|health url|container|compose project|compose directory
# This is what medic is measured against; it is not part of medic and heals nothing in medic's tests.
set -uo pipefail
TARGETS_FILE="$1"
INTERVAL="${INTERVAL:-60}"
TIMEOUT="${TIMEOUT:-10}"
declare -A attempts

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$*"; }

check() {
  local url="$1" container="$2"
  [ "$(docker inspect -f '{{.State.Running}}' "$container" 2>/dev/null)" = "true" ] || return 1
  [ -z "$url" ] && return 0
  curl -fsS -m "$TIMEOUT" -o /dev/null "$url" 2>/dev/null
}

log "watchdog started: $(wc -l <"$TARGETS_FILE") targets every ${INTERVAL}s"
while true; do
  cycle_start=$(date +%s%N)
  while IFS='|' read -r name url container project dir; do
    [ -z "$name" ] && continue
    if check "$url" "$container"; then
      attempts[$name]=0
      continue
    fi
    n=$(( ${attempts[$name]:-0} + 1 ))
    attempts[$name]=$n
    if [ "$n" -le 3 ]; then
      log "FAIL $name: restarting container $container (attempt $n)"
      docker restart -t 10 "$container" >/dev/null 2>&1
    else
      log "FAIL $name: 3 restarts did not help; compose down/up of $project"
      (cd "$dir" && docker-compose -p "$project" down && docker-compose -p "$project" up -d) >/dev/null 2>&1
      attempts[$name]=0
    fi
  done <"$TARGETS_FILE"
  log "cycle done in $(( ($(date +%s%N) - cycle_start) / 1000000 )) ms"
  [ "${ONCE:-0}" = 1 ] && exit 0
  sleep "$INTERVAL"
done

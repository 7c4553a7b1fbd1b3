#!/usr/bin/env bash
# Runs the load scenarios of the README, each against a fresh server with a
# fresh database, prints boardload's report for each run and then a
# summary, one line per run.
#
# Usage: cmd/boardload/bench.sh [S1 S2 S3 S4 JOIN BIGJOIN VOTE] (after `make build`)
#   S1 S2 S3 S4   the scenarios (boardload -h); S4 is a presented lesson
#   S1M S2M       S1 and S2 on moderated boards (boardload -moderate:
#                 approval, own notes only and the word filter on); the
#                 relay runs plain S1 and S2 beside them
#   JOIN          10,000 clients join one board (boardload -join); with
#                 RELAY=1 the relay is measured just before
#   BIGJOIN       a board filled to its byte cap, then 20 clients join it at
#                 once (boardload -big-join); Corkboard only
#   VOTE          a voting round: 1,000 people cast 3 votes each within 10 s
#                 (boardload -vote 1000); Corkboard only
#   DURATION=20s  how long each run measures
#   ROUNDS=1      how many times to run each scenario
#   RELAY=1       before each Corkboard run, run the same scenario against
#                 boardload's bare relay: a floor measured at the same moment
#                 on the same machine (this machine's tail latency drifts by
#                 several times over an hour, so only runs made one after the
#                 other compare)
#   REST=20       seconds to wait before each run but the first (see below)
#
# Why the rest: each run frees a few hundred MB (the server and the load
# generator) as it ends. This machine is a virtual machine whose balloon
# device reports freed memory back to its host (virtio free page
# reporting), and a run started at once shares the machine with that. In 6
# of 6 pairs, an S3 run after 30 s of rest had a lower delivery p99 than
# the same run started right after it (5.6-22.5 ms against 8.7-23.0 ms).
# A server in use does not start next to the teardown of another one.
set -euo pipefail
export GOTOOLCHAIN=go1.27.3
cd "$(dirname "$0")/../.."
scenarios=("$@")
[ $# -eq 0 ] && scenarios=(S1 S2 S3 S4 JOIN BIGJOIN VOTE)
DURATION=${DURATION:-20s}
ROUNDS=${ROUNDS:-1}
RELAY=${RELAY:-0}
REST=${REST:-20}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
status=0
summary=()
runs=0

waitready() {
  for _ in $(seq 100); do curl -fs -o /dev/null "$1" 2>/dev/null && return; sleep 0.1; done
}

# damon: whether the kernel's DAMON monitor (with its proactive reclaim) is
# running. On the VM these figures come from it is, and it alone takes S3's
# delivery p99 from about 2 ms to 6-45 ms, for the bare relay too (README).
damon() {
  local s
  s=$(cat /sys/kernel/mm/damon/admin/kdamonds/*/state 2>/dev/null | sort -u | paste -sd/ -)
  echo "DAMON ${s:-absent}"
}

# field LABEL REPORT: the p99 on the report's line starting with LABEL.
field() { sed -nE "s/^$1 .* p99 ([0-9.]+ ms) .*/\1/p" <<<"$2"; }

# measure SCENARIO ROUND WHAT: one run against a fresh server of kind WHAT.
measure() {
  local sc=$1 round=$2 what=$3 port=$((18000 + RANDOM % 1000)) pid report
  [ $((runs++)) -gt 0 ] && sleep "$REST"
  if [ "$what" = relay ]; then
    ./bin/boardload -relay "127.0.0.1:$port" 2>/dev/null &
    pid=$!
    waitready "http://127.0.0.1:$port/api/boards/none" || true
  else
    ./bin/corkboard serve -addr "127.0.0.1:$port" -db "$work/$sc-$round.db" -log-level warn -max-conns-per-board 20000 &
    pid=$!
    waitready "http://127.0.0.1:$port/healthz"
  fi
  echo "== $sc round $round, $what ($(nproc) cores, $(go version | cut -d' ' -f3), $(damon), $(date -u '+%Y-%m-%d %H:%M'))"
  local args=(-scenario "$sc" -duration "$DURATION")
  case $sc in
  S1M | S2M)
    args=(-scenario "${sc%M}" -duration "$DURATION")
    [ "$what" = corkboard ] && args+=(-moderate)
    ;;
  JOIN) args=(-join 10000) ;;
  BIGJOIN) args=(-big-join 20) ;;
  VOTE) args=(-vote 1000) ;;
  esac
  report=$(./bin/boardload -url "http://127.0.0.1:$port" -pid "$pid" "${args[@]}" 2>&1) ||
    { [ "$what" = corkboard ] && status=1; }
  echo "$report"
  echo
  case $sc in
  JOIN | BIGJOIN | VOTE) summary+=("$(printf '%-7s %-2s %-9s %s' "$sc" "$round" "$what" "$(grep -E '^(join|idle memory|big join|peak memory|vote ack|final counts)' <<<"$report" | paste -sd' ' - | tr -s ' ')")") ;;
  *) summary+=("$(printf '%-7s %-2s %-9s delivery p99 %-9s ack p99 %-9s server %s' "$sc" "$round" "$what" \
    "$(field delivery "$report")" "$(field ack "$report")" \
    "$(sed -nE 's/^server CPU +([0-9.]+ cores).*/\1/p' <<<"$report")")$(v=$(field 'presenter view' "$report"); [ -z "$v" ] || echo " presenter view p99 $v")") ;;
  esac
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

for sc in "${scenarios[@]}"; do
  for round in $(seq "$ROUNDS"); do
    [ "$RELAY" = 1 ] && [ "$sc" != BIGJOIN ] && [ "$sc" != VOTE ] && measure "$sc" "$round" relay
    measure "$sc" "$round" corkboard
  done
done
echo "== summary (the relay acknowledges without storing anything)"
printf '%s\n' "${summary[@]}"
exit $status

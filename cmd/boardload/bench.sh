#!/usr/bin/env bash
# Runs the load scenarios S1, S2 and S3 of the README, each against a fresh
# server with a fresh database, and prints boardload's report for each.
# Usage: cmd/boardload/bench.sh [S1 S2 S3] (after `make build`)
set -euo pipefail
export GOTOOLCHAIN=go1.27.3
cd "$(dirname "$0")/../.."
scenarios=("${@:-S1 S2 S3}")
[ $# -eq 0 ] && scenarios=(S1 S2 S3)
DURATION=${DURATION:-20s}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
status=0
for sc in "${scenarios[@]}"; do
  port=$((18000 + RANDOM % 1000))
  ./bin/corkboard serve -addr "127.0.0.1:$port" -db "$work/$sc.db" -log-level warn &
  pid=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  echo "== $sc ($(nproc) cores, $(go version | cut -d' ' -f3), $(date -u +%Y-%m-%d))"
  ./bin/boardload -url "http://127.0.0.1:$port" -scenario "$sc" -pid "$pid" -duration "$DURATION" || status=1
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo
done
exit $status

#!/usr/bin/env bash
# SpiffArena (already running: start_server.sh) interleaved with qlvb's bench.http one_step, one client each:
# spiff, qlvb, spiff, qlvb… so that both meet the same machine. Appends to $SPIFF_HOME/results-<db>.log.
# Usage: bench/spiffarena/run_interleaved.sh sqlite|postgresql [rounds] [lean|requests: the client of both]
set -uo pipefail
source "$(dirname "$0")/env.sh"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
db="${1:-sqlite}"; rounds="${2:-2}"; client="${3:-lean}"
log="$SPIFF_HOME/results-${db}.log"
for r in $(seq 1 "$rounds"); do
  echo "=== round $r spiffarena $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
  "$SPIFF_HOME/venv/bin/python" "$repo/bench/spiffarena/bench_spiff.py" --cases 200 --warmup 10 --client "$client" 2>&1 | tee -a "$log"
  echo "=== round $r qlvb $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
  (cd "$repo" && .venv/bin/python -m bench.http --db "$db" --scenario one_step --cases 300 --clients 1 --client "$client") 2>&1 | tee -a "$log"
done
echo "=== end $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"

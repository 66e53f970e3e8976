#!/usr/bin/env bash
# Start spiffworkflow-backend as its bin/boot_server_in_docker does (gunicorn with uvicorn workers), in the
# background; writes the gunicorn master's PID into $SPIFF_HOME/server.pid.
# Usage: SPIFF_DB=sqlite|postgres SPIFF_WORKERS=2 bench/spiffarena/start_server.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"
here="$SPIFF_HOME"
workers="${SPIFF_WORKERS:-2}"
export SPIFFWORKFLOW_BACKEND_SERVER_WORKER_COUNT="$workers"
export SPIFFWORKFLOW_BACKEND_OPEN_ID_CACHE_DIR="$here/openid-keys"
export SPIFFWORKFLOW_BACKEND_FAIL_ON_INVALID_PROCESS_MODELS=false
mkdir -p "$here/data" "$here/openid-keys"
cd "$here/spiffworkflow-backend"
"$here/venv/bin/flask" db upgrade >/dev/null 2>&1
"$here/venv/bin/python" bin/refresh_all_caches.py
nohup "$here/venv/bin/gunicorn" \
  --bind "127.0.0.1:${SPIFF_PORT}" \
  --workers="$workers" \
  --limit-request-line 8192 \
  --timeout 90 \
  --capture-output \
  --access-logfile "$here/access.log" \
  --error-logfile "$here/server.log" \
  --worker-class uvicorn_worker.UvicornWorker \
  --log-level info spiff_web_server:asgi_app >>"$here/server.out" 2>&1 &
echo $! >"$here/server.pid"
for _ in $(seq 1 180); do
  if curl -sf "http://127.0.0.1:${SPIFF_PORT}/v1.0/status" >/dev/null; then echo "up pid $(cat "$here/server.pid")"; exit 0; fi
  sleep 0.5
done
echo "server did not start" >&2; exit 1

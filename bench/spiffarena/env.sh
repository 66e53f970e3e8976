# Source me: the settings of the SpiffArena backend server this benchmark compares qlvb with (see README.md).
# SPIFF_HOME: where SpiffArena is installed (venv, spiffworkflow-backend, data); SPIFF_DB=sqlite (default) or postgres.
export SPIFF_HOME="${SPIFF_HOME:-/work/spiffarena}"
export SPIFF_PORT="${SPIFF_PORT:-7000}"
export FLASK_DEBUG=0
export FLASK_SESSION_SECRET_KEY=bench-only-not-a-secret
# An environment with no config module of its own: only config/default.py applies (log level info, scheduler off).
export SPIFFWORKFLOW_BACKEND_ENV=bench
export SPIFFWORKFLOW_BACKEND_LOG_LEVEL=info
export SPIFFWORKFLOW_BACKEND_BPMN_SPEC_ABSOLUTE_DIR="$SPIFF_HOME/process_models"
export SPIFFWORKFLOW_BACKEND_PERMISSIONS_FILE_NAME=example.yml
export SPIFFWORKFLOW_BACKEND_CELERY_ENABLED=false  # steps run in the request, as qlvb's do
export SPIFFWORKFLOW_BACKEND_RUN_BACKGROUND_SCHEDULER_IN_CREATE_APP=false
export SPIFFWORKFLOW_BACKEND_URL="http://localhost:${SPIFF_PORT}"
export SPIFFWORKFLOW_BACKEND_URL_FOR_FRONTEND="http://localhost:7001"
# Its built-in OpenID provider, with the client id and secret its own documentation gives for local use.
export SPIFFWORKFLOW_BACKEND_AUTH_CONFIGS__0__identifier=default
export SPIFFWORKFLOW_BACKEND_AUTH_CONFIGS__0__label="internal openid"
export SPIFFWORKFLOW_BACKEND_AUTH_CONFIGS__0__uri="http://localhost:${SPIFF_PORT}/openid"
export SPIFFWORKFLOW_BACKEND_AUTH_CONFIGS__0__client_id=spiffworkflow-backend
export SPIFFWORKFLOW_BACKEND_AUTH_CONFIGS__0__client_secret=JXeQExm0JhQPLumgHtIIqf52bDalHz0q
if [[ "${SPIFF_DB:-sqlite}" == "postgres" ]]; then
  export SPIFFWORKFLOW_BACKEND_DATABASE_URI="postgresql://postgres@127.0.0.1:5432/spiff_bench"
else
  export SPIFFWORKFLOW_BACKEND_DATABASE_URI="sqlite:///$SPIFF_HOME/data/spiff_bench.sqlite3"
fi

#!/usr/bin/env bash
# Run the whole suite on PostgreSQL (when reachable) and on SQLite; say which ran; fail if any run fails.
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
PG_URL="${QLVB_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_test}"
export QLVB_TEST_DATABASE_URL="$PG_URL"
reports=$(mktemp -d)
ran=()
failed=0

if "$BIN/python" - "$PG_URL" <<'PY'
import sys
import sqlalchemy as sa
url = sa.engine.make_url(sys.argv[1]).set(database="postgres")
try:
    sa.create_engine(url, connect_args={"connect_timeout": 5}).connect().close()
except Exception as exc:
    print(f"PostgreSQL not reachable ({exc.__class__.__name__}): its run is skipped.", file=sys.stderr)
    sys.exit(1)
PY
then
  echo "=== Test suite on PostgreSQL (${PG_URL%%\?*}) ==="
  QLVB_TEST_DB=postgresql "$BIN/pytest" -p no:cacheprovider --junitxml="$reports/postgresql.xml" "$@" || failed=1
  ran+=(postgresql)
fi

echo "=== Test suite on SQLite ==="
QLVB_TEST_DB=sqlite "$BIN/pytest" -p no:cacheprovider --junitxml="$reports/sqlite.xml" "$@" || failed=1
ran+=(sqlite)

"$BIN/python" - "$reports" "${ran[@]}" <<'PY'
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

folder, databases = Path(sys.argv[1]), sys.argv[2:]
totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for db in databases:
    path = folder / f"{db}.xml"
    if not path.exists():
        totals["errors"] += 1
        continue
    suite = ET.parse(path).getroot().find("testsuite")
    for key in totals:
        totals[key] += int(suite.get(key, 0))
failed = totals["failures"] + totals["errors"]
passed = totals["tests"] - failed - totals["skipped"]
print(f"Databases tested: {', '.join(databases)}")
print(f"tests: {passed} passed, {failed} failed, {totals['skipped']} skipped")
PY
rm -rf "$reports"
exit $failed

#!/usr/bin/env bash
# Run the whole suite on PostgreSQL (when reachable) and on SQLite; say which ran; fail if any run fails.
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
PG_URL="${QLVB_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_test}"
export QLVB_TEST_DATABASE_URL="$PG_URL"
reports=$(mktemp -d)
# A failed browser test leaves its step screenshots, and a screenshot, the HTML and the URL of each page it had open,
# in $ARTIFACTS-<database>/<module>.<test>/ (tests/e2e/conftest.py); a passed one leaves nothing.
ARTIFACTS="${QLVB_E2E_ARTIFACTS:-test-artifacts/e2e}"
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
  QLVB_TEST_DB=postgresql QLVB_E2E_ARTIFACTS="$ARTIFACTS-postgresql" "$BIN/pytest" -p no:cacheprovider --junitxml="$reports/postgresql.xml" "$@" || failed=1
  ran+=(postgresql)
fi

echo "=== Test suite on SQLite ==="
QLVB_TEST_DB=sqlite QLVB_E2E_ARTIFACTS="$ARTIFACTS-sqlite" "$BIN/pytest" -p no:cacheprovider --junitxml="$reports/sqlite.xml" "$@" || failed=1
ran+=(sqlite)

# The suite must pass on any day of any year: the tests run again with the wall clock five years ahead
# (libfaketime), so a fixture that mixes the frozen clock with wall-clock time fails today, not in 2031. The
# instant is the harshest one for working time: a Friday at 16:30 in Vietnam (09:30 UTC), half an hour before
# the office closes, the week before Tết Dương lịch, so a test that counts working hours from the real clock
# crosses a weekend and a holiday and fails.
# Left out: browser tests, and those that start processes or threads of their own, which libfaketime's
# shifted clock trips (pthread timeouts; and time.sleep fails with EINVAL under it, which subprocess.run(timeout=…)
# reaches whenever the child has not exited yet when its output ends: the DOCX conversion, a fresh interpreter);
# they hold no time-bound fixture (the crash test, tests/crash, starts and kills servers). The two-deployment exchange
# test starts real servers and signs requests with the
# wall clock (its HMAC timestamps must be fresh on both sides): it is left out too. The tenancy matrix's sideways and
# downward directions run the upward one's tests again on another world and hold no time-bound fixture of their own.
if [ $# -eq 0 ] && command -v faketime >/dev/null; then
  echo "=== Time-sensitive tests with the wall clock at Friday 26 December 2031, 16:30 ICT (SQLite) ==="
  QLVB_TEST_DB=sqlite TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@2031-12-26 09:30:00" "$BIN/pytest" -p no:cacheprovider -q \
    --junitxml="$reports/future.xml" -m "not e2e" --ignore=tests/cli --ignore=tests/crash --ignore=tests/exchange/test_two_deployments.py \
    --ignore=tests/security/test_tenancy_sibling.py --ignore=tests/security/test_tenancy_downward.py \
    --deselect tests/documents/test_concurrency.py --deselect tests/workflow/test_concurrency.py \
    --deselect tests/incoming/test_delivery_concurrency.py \
    --deselect tests/documents/test_malware.py --deselect tests/outgoing/test_issue_malware_scan.py \
    --deselect tests/incoming/test_hostile_intake_http.py --deselect tests/scheduler/test_failover.py \
    --deselect tests/notifications/test_email_concurrency.py --deselect tests/notifications/test_digest_concurrency.py \
    --deselect tests/outgoing/test_drafts.py::test_docx_drafts_are_converted_to_pdf_and_kept_as_source \
    --deselect tests/workflow/test_form_actions.py::test_a_fresh_process_knows_every_domain_form_helper_once_the_app_exists \
    -k "not concurrent and not two_threads and not at_once" \
    || failed=1
  ran+=(future)
fi

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
print(f"Runs: {', '.join(databases)} (future: SQLite with the wall clock at Friday 26 December 2031, 16:30 ICT)")
print(f"tests: {passed} passed, {failed} failed, {totals['skipped']} skipped")
PY
rm -rf "$reports"
if [ -n "$(find "$ARTIFACTS"-* -mindepth 1 -maxdepth 1 2>/dev/null)" ]; then
  echo "Browser test failures: screenshots, HTML and URLs in $ARTIFACTS-<database>/<module>.<test>/"
fi
exit $failed

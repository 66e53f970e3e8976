"""The tenancy matrix (design.md §8): a person of agency B never reads nor changes agency A's objects by id.

Every rule of app.url_map that takes an argument is classified in tests/security/cases.py: aimed at one of A's
objects (CASES), answering about the caller's own agency (SCOPED), or deployment-wide on purpose (ALLOWED, with
the reason). A new rule in none of them fails the first test, so no route escapes the matrix.

For each CASES rule and each role of the attacking agency, every method the rule accepts is sent (pages with the
person's session and a valid CSRF token, /api/v1 with their bearer token, mutations with a plausible body). The
answer must be 404 — a 403 would tell that the object exists (unless it is the role gate every id gets, see
answers_as_if_missing) — and show none of the object's distinctive values;
a refused mutation leaves the object's rows and the row counts of every table as they were.

This module attacks upward (tests/security/world.py, UPWARD); test_tenancy_sibling.py and test_tenancy_downward.py
collect its tests again in the two other directions.
"""

import functools
import io
import re

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.org.models import User
from tests.security.cases import ALLOWED, CASES, SCOPED
from tests.security.lists import text_of
from tests.security.world import MARK

pytestmark = pytest.mark.usefixtures("rollback_after")

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
MISSING_ID = 2_000_000_000
HEADINGS = re.compile(r"<(?:title|h1)[^>]*>(.*?)</(?:title|h1)>", re.S)
# Rows a refused request may add without changing any object: the audit trail of the refusal, the caller's
# session, the search log. Every other table must keep its row count.
VOLATILE_TABLES = {"audit_event", "user_session", "api_token"}


@functools.cache
def id_rules(app) -> dict[str, list]:
    found: dict[str, list] = {}
    for rule in app.url_map.iter_rules():
        if rule.arguments:
            found.setdefault(rule.endpoint, []).append(rule)
    return found


def test_every_rule_with_an_argument_is_classified(app):
    rules = id_rules(app)
    classified = set(CASES) | set(SCOPED) | set(ALLOWED)
    unclassified = sorted(f"{endpoint} ({rules[endpoint][0].rule})" for endpoint in set(rules) - classified)
    assert not unclassified, "rules neither in the tenancy matrix nor allowed:\n" + "\n".join(unclassified)
    stale = sorted(classified - set(rules))
    assert not stale, f"classified endpoints that no longer exist: {stale}"
    overlap = (set(CASES) & set(SCOPED)) | (set(CASES) & set(ALLOWED)) | (set(SCOPED) & set(ALLOWED))
    assert not overlap, overlap


def body_text(response) -> str:
    return text_of(response)


def leaked(response, secrets) -> list[str]:
    text = body_text(response)
    return [s for s in [*secrets, MARK] if s and s in text]


def snapshot(watch) -> dict:
    """The watched rows' values and every table's row count, read straight from the connection."""
    rows = {}
    for model, row_id in watch:
        table = model.__table__
        [pk] = table.primary_key.columns
        row = db.session.execute(sa.select(table).where(pk == row_id)).mappings().first()
        rows[f"{table.name}#{row_id}"] = dict(row) if row is not None else None
    tables = [table for table in db.metadata.sorted_tables if table.name not in VOLATILE_TABLES]
    # One round trip for all the counts: the matrix sends a thousand mutations.
    query = sa.select(*(sa.select(sa.func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables))
    counts = dict(db.session.execute(query).mappings().one())
    return {"rows": rows, "counts": counts}


def multipart(body: dict) -> dict:
    """Bytes values become uploaded files (a fresh stream per request)."""
    return {k: (io.BytesIO(v), f"{k}.pdf") if isinstance(v, bytes) else v for k, v in body.items()}


def send(app, attackers, role, rule, method, url, body):
    client, headers, csrf = attackers[role]
    has_file = any(isinstance(v, bytes) for v in body.values())
    if rule.rule.startswith("/api/v1/"):
        api = app.test_client()  # no session cookie: the API takes bearer tokens only
        kwargs = {"headers": headers}
        if method != "GET":
            kwargs.update({"data": multipart(body)} if has_file else {"json": body})
        return api.open(url, method=method, **kwargs)
    if method == "GET":
        return client.open(url, method=method)
    return client.open(url, method=method, data={**multipart(body), "csrf_token": csrf})


def answers_as_if_missing(app, attackers, role, rule, method, args, body, response) -> bool:
    """A 403 that the same request about an id that exists nowhere gets too, word for word: a gate on the caller's
    role, asked before any object is looked up, so it tells nothing about A's object (e.g. a specialist on an
    administration page). A 403 that depends on the object is a finding: its existence leaks."""
    if response.status_code != 403:
        return False
    missing = {k: MISSING_ID if isinstance(v, int) else v for k, v in args.items()}
    other = send(app, attackers, role, rule, method, build(app, rule, missing), body)
    return other.status_code == 403 and refusal(other) == refusal(response)


def refusal(response) -> str:
    """What a refusal says: the JSON error, or the HTML page's title and heading (a page also carries per-request
    parts — CSRF inputs, messages flashed earlier in the session — that say nothing about the object)."""
    if response.mimetype == "application/json":
        return body_text(response)
    text = body_text(response)
    return " | ".join(m.group(1).strip() for m in HEADINGS.finditer(text))


def build(app, rule, args) -> str:
    adapter = app.url_map.bind("localhost")
    values = {name: args[name] for name in rule.arguments}
    return adapter.build(rule.endpoint, values, method=sorted(rule.methods - SKIPPED_METHODS)[0])


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_another_agency_is_refused(app, resolved, attackers, endpoint, role):
    problems = refusal_problems(app, resolved[endpoint], attackers, endpoint, role)
    assert not problems, "\n".join(problems)


def refusal_problems(app, case, attackers, endpoint, role) -> list[str]:
    """Every method of every rule of `endpoint`, sent by `role` of B about A's object: what was not refused."""
    problems = []
    for rule in id_rules(app)[endpoint]:
        url = build(app, rule, case.args)
        for method in sorted(rule.methods - SKIPPED_METHODS):
            before = snapshot(case.watch) if method != "GET" else None
            response = send(app, attackers, role, rule, method, url, case.body)
            where = f"{method} {url}"
            refused = response.status_code == 404 or answers_as_if_missing(
                app, attackers, role, rule, method, case.args, case.body, response
            )
            if not refused:
                problems.append(f"{where}: {response.status_code} {body_text(response)[:200]}")
            shown = leaked(response, case.secrets)
            if shown:
                problems.append(f"{where}: shows {shown}")
            if before is not None:
                after = snapshot(case.watch)
                if after != before:
                    changed = {k for k in before["rows"] if before["rows"][k] != after["rows"][k]}
                    changed |= {k for k in before["counts"] if before["counts"][k] != after["counts"][k]}
                    problems.append(f"{where}: changed {sorted(changed)}")
    return problems


@pytest.mark.parametrize("endpoint", sorted(SCOPED))
def test_own_agency_pages_show_nothing_of_another(app, resolved, attackers, endpoint, role):
    case = resolved[endpoint]
    for rule in id_rules(app)[endpoint]:
        if "GET" not in rule.methods:
            continue
        url = build(app, rule, case.args)
        response = send(app, attackers, role, rule, "GET", url, {})
        assert response.status_code < 500, f"GET {url}: {response.status_code}"
        assert not leaked(response, case.secrets), f"GET {url} shows {leaked(response, case.secrets)}"


# --- lists, search, exports, reports: B's answers hold nothing of A ----------------------------------------------

SEARCH = "rừng ngập mặn"  # in A's văn bản đến (world.in_subject); the answers echo it, so MARK is what is looked for
LIST_PATHS = (
    "/",
    "/tasks",
    "/incoming",
    "/outgoing",
    "/outgoing/register",
    "/dossiers",
    "/copies",
    "/notifications",
    "/reports/dashboard",
    "/admin/audit",
    f"/search?q={SEARCH}",
    f"/search?q={SEARCH}&scope=all",
    f"/search/export?q={SEARCH}&format=xlsx",
    f"/search/export?q={SEARCH}&format=docx",
    f"/search/export?q={SEARCH}&format=pdf",
    "/incoming/register.pdf",
    "/api/v1/tasks",
    "/api/v1/incoming",
    "/api/v1/outgoing",
    "/api/v1/dossiers",
    "/api/v1/archive/dossiers",
    "/api/v1/copies",
    "/api/v1/notifications",
    "/api/v1/audit",
    "/api/v1/home",
    "/api/v1/reports/dashboard",
    f"/api/v1/search?q={SEARCH}",
    f"/api/v1/search/export?q={SEARCH}&format=xlsx",
    f"/api/v1/search/export?q={SEARCH}&format=pdf",
)
# The owner's own answers list A's document: the checks above are not vacuous.
OWNER_FINDS = (
    f"/search?q={SEARCH}",
    f"/api/v1/search?q={SEARCH}",
    f"/search/export?q={SEARCH}&format=xlsx",
    f"/search/export?q={SEARCH}&format=docx",
    "/incoming",
    "/api/v1/incoming",
)


def get(app, who, path):
    client, headers = who[0], who[1]
    if path.startswith("/api/v1/"):
        return app.test_client().get(path, headers=headers)
    return client.get(path)


A_VALUES = (MARK, "BNV-KLX", "Hoàng Kỳ Lân")  # in A's own objects of tests/security/world.py only


@pytest.mark.parametrize("path", LIST_PATHS)
def test_lists_and_search_of_another_agency_show_nothing_of_a(app, attackers, path, role):
    client, headers, _csrf = attackers[role]
    response = get(app, (client, headers), path)
    assert response.status_code < 500, response.status_code
    text = text_of(response)
    shown = [value for value in A_VALUES if value in text]
    assert not shown, f"{path} shows {shown}"


@pytest.mark.parametrize("path", OWNER_FINDS)
def test_the_owner_finds_its_own_document(app, owner, path):
    response = get(app, owner, path)
    assert response.status_code == 200
    assert MARK in text_of(response)


def test_saved_search_of_another_agency_is_not_exported(app, world, resolved, attackers):
    saved_id = resolved["search_api.SavedItem"].args["saved_id"]
    for role, (client, _headers, _csrf) in attackers.items():
        response = client.get(f"/search/export?saved={saved_id}&format=xlsx")  # the API exports no saved search
        assert response.status_code == 404, (role, response.status_code)
        assert MARK not in text_of(response)


def test_a_file_of_another_agency_is_refused_through_ones_own_task(app, world, resolved, attackers):
    """The task-file route takes a digest: B's own task must not serve a file of A by its hash."""
    from app.workflow.models import HumanTask

    digest = resolved["workflow.task_file"].args["digest"]
    client, _headers, _csrf = attackers["van_thu"]
    own = db.session.scalar(
        sa.select(HumanTask.id).where(HumanTask.agency_id == world.b_id, HumanTask.object_type == "incoming")
    )
    assert own is not None
    response = client.get(f"/tasks/{own}/files/{digest}")
    assert response.status_code == 404
    assert not response.data.startswith(b"%PDF")


REPORT_PATHS = (
    "/api/v1/reports/dashboard",
    "/api/v1/reports/handling/incoming",
    "/api/v1/reports/handling/outgoing",
    "/api/v1/reports/exchange",
    "/api/v1/home",
)


def test_reports_of_another_agency_do_not_count_a(app, world, attackers, role):
    """B's figures stay the same when A receives one more document."""
    from tests.security.world import receive_another

    who = attackers[role][:2]
    before = {path: text_of(get(app, who, path)) for path in REPORT_PATHS}
    receive_another(world)
    after = {path: text_of(get(app, who, path)) for path in REPORT_PATHS}
    changed = [path for path in REPORT_PATHS if before[path] != after[path]]
    assert not changed, changed


def test_the_documented_exception_is_the_administrator_above(app, world, attackers):
    """An administrator manages their agency and the agencies below it (app.org.permissions.managed_agency_ids):
    the province's administrator opens an account of the Sở; the Sở's administrator — an agency administrator, whom
    the matrix above confines — never one of the province."""
    from app.demo import DEMO_PASSWORD
    from tests.conftest import login

    above = app.test_client()
    assert login(above, world.admin_username, DEMO_PASSWORD).status_code in (302, 303)
    below = db.session.get(User, world.attackers_ids["chuyen_vien"])
    assert above.get(f"/admin/users/{below.id}").status_code == 200
    client, _headers, _csrf = attackers["quan_tri+thiet_ke"]
    assert client.get(f"/admin/users/{world.specialist_id}").status_code == 404

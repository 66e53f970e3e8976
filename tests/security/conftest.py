"""The tenancy tests' world, built once per module in a transaction of its own; each test runs in a savepoint.

The function-scoped `db_session` of tests/conftest.py would rebuild the demo (≈ 20 s) for every case: here the
module keeps one connection and one outer transaction, and every test rolls back to a savepoint taken before it,
so what a leaking mutation changed never reaches the next case.

A test module says which direction it attacks in (tests/security/world.py, Direction) with a module-level
DIRECTION; without one it is the upward direction. Its `role` parameter takes that direction's roles.
"""

import pytest

from app.audit.context import origin
from app.core import clock
from app.core.db import db
from app.demo import DEMO_PASSWORD
from tests.conftest import TestSession, csrf_token, login
from tests.signing import factories
from tests.timeline import FROZEN_AT


def direction_of(module):
    from tests.security.world import UPWARD

    return getattr(module, "DIRECTION", UPWARD)


@pytest.hookimpl(trylast=True)  # after the endpoint/path marks: the ids stay "[<endpoint>-<role>]"
def pytest_generate_tests(metafunc):
    if "role" in metafunc.fixturenames:
        metafunc.parametrize("role", direction_of(metafunc.module).roles)


@pytest.fixture(scope="session")
def tenancy_pki():
    return factories.build_test_pki()


@pytest.fixture(scope="module")
def world_connection(app):
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"class_": TestSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield connection
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture(scope="module")
def world(request, app, world_connection, tenancy_pki):
    from app.signing.trust import instance_trust_folder
    from tests.security.world import build_world

    # The demo adds its root CA to <instance>/trust/ on disk, which no rollback undoes: take it away afterwards, or
    # every later test of the session would trust demo signatures.
    folder = instance_trust_folder(app)
    before = set(folder.iterdir()) if folder.is_dir() else set()
    try:
        with clock.frozen(FROZEN_AT), origin("cli", "tenancy"):
            built = build_world(tenancy_pki, direction_of(request.module))
            db.session.commit()
            yield built
    finally:
        for path in (set(folder.iterdir()) if folder.is_dir() else set()) - before:
            path.unlink()


@pytest.fixture(scope="module")
def resolved(world, attackers):
    """Every case of tests/security/cases.py with its ids and values read now, while the world's rows are loaded:
    the tests then hold plain values only (their savepoint rollbacks detach the world's ORM objects)."""
    from tests.security.cases import CASES, SCOPED

    found = {endpoint: factory(world) for endpoint, factory in {**CASES, **SCOPED}.items()}
    db.session.commit()
    return found


@pytest.fixture
def rollback_after(resolved, owner, world_connection):
    """Whatever a test's requests write is undone before the next test."""
    savepoint = world_connection.begin_nested()
    try:
        with clock.frozen(FROZEN_AT):  # never the wall clock, in the requests as in the world
            yield
    finally:
        db.session.remove()
        if savepoint.is_active:
            savepoint.rollback()


@pytest.fixture(scope="module")
def attackers(app, world):
    """role → (logged-in page client, bearer headers, CSRF token) for each account of the attacking agency."""
    from app.org.auth import create_api_token

    found = {}
    for role, person in world.attackers.items():
        client = app.test_client()
        response = login(client, person.username, DEMO_PASSWORD)
        assert response.status_code in (302, 303), (role, response.status_code)
        _token, plain = create_api_token(person, name="tenancy")
        found[role] = (client, {"Authorization": f"Bearer {plain}"}, csrf_token(client, "/account"))
    db.session.commit()
    return found


@pytest.fixture(scope="module")
def owner(app, world):
    """A's leader (sees every document of A): the positive control of the list tests."""
    from app.org.auth import create_api_token

    client = app.test_client()
    assert login(client, world.leader.username, DEMO_PASSWORD).status_code in (302, 303)
    _token, plain = create_api_token(world.leader, name="tenancy")
    db.session.commit()
    return client, {"Authorization": f"Bearer {plain}"}

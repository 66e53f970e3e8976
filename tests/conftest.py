"""Test fixtures: one database per run built by the migrations themselves, a savepoint per test.

QLVB_TEST_DB chooses the database: `sqlite` (default) or `postgresql` (QLVB_TEST_DATABASE_URL, default the
local server). Flask-SQLAlchemy 3.1's Session.get_bind() ignores a `bind=` (style.md), so the test session
class overrides it: without that, work would escape the per-test transaction and leak between tests.
"""

import contextvars
import os
import re
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession

from app import create_app
from app.config import TestConfig
from app.core import clock
from app.core.db import db
from tests.timeline import FROZEN_AT

TEST_DB = os.environ.get("QLVB_TEST_DB", "sqlite")
PG_URL = os.environ.get("QLVB_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_test")
PASSWORD = "Matkhau-Manh-2026"


def fresh_database_url(tmp_dir: Path, name: str) -> str:
    """An empty database of the kind under test."""
    if TEST_DB == "postgresql":
        url = sa.engine.make_url(PG_URL)
        url = url.set(database=f"{url.database}_{name}" if name != "main" else url.database)
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            conn.execute(sa.text(f"CREATE DATABASE \"{url.database}\" ENCODING 'UTF8' TEMPLATE template0"))
        admin.dispose()
        return url.render_as_string(hide_password=False)
    return f"sqlite:///{tmp_dir / (name + '.sqlite3')}"


def pytest_report_header(config):
    return f"qlvb test database: {TEST_DB}"


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production.

    Otherwise Flask reuses the test's pushed app context, and with it the test's session and `g`: a request
    that rolls back would undo the test's own setup, and Flask-Login would remember the user between requests.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(TestConfig(fresh_database_url(instance, "main"), instance))
    application.test_client_class = IsolatedClient
    with application.app_context():
        flask_migrate.upgrade()  # the schema comes from the migrations, so they are tested on every run
    yield application
    with application.app_context():
        db.engine.dispose()


class TestSession(FlaskSession):
    __test__ = False

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


@pytest.fixture
def db_session(app):
    """Everything a test writes lives in one outer transaction that is rolled back afterwards."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"class_": TestSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture
def frozen_clock():
    with clock.frozen(FROZEN_AT) as frozen:
        yield frozen


# --- factories ----------------------------------------------------------------------------------------


@pytest.fixture
def create_agency(db_session):
    from app.org import services

    counter = iter(range(10, 999))

    def factory(**kwargs):
        n = next(counter)
        values = {
            "code": f"000.00.{n % 100:02d}.H{n // 100 + 40:02d}",
            "name": f"Cơ quan thử {n}",
            "abbreviation": f"CQ{n}",
        }
        values.update(kwargs)
        return services.create_agency(None, **values)

    return factory


@pytest.fixture
def create_user(db_session, create_agency):
    from app.org import services

    counter = iter(range(1, 9999))

    def factory(roles=("chuyen_vien",), agency=None, **kwargs):
        n = next(counter)
        agency = agency or create_agency()
        values = {
            "username": f"user{n}",
            "full_name": f"Người dùng {n}",
            "password": PASSWORD,
            "agency_id": agency.id,
            "roles": list(roles),
        }
        values.update(kwargs)
        return services.create_user(None, **values)

    return factory


@pytest.fixture
def admin(create_user, create_agency):
    return create_user(roles=("quan_tri",), agency=create_agency(), username="admin1", full_name="Quản Trị Viên")


# --- HTTP helpers -------------------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client, username: str, password: str = PASSWORD):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def api_token(db_session):
    """Issue a bearer token for a user: `api_token(user)` → headers dict."""
    from app.org.auth import create_api_token

    def factory(user):
        _token, plain = create_api_token(user, name="kiểm thử")
        return {"Authorization": f"Bearer {plain}"}

    return factory


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's sync API keeps an asyncio loop running in the main thread for the
    session-scoped browser, and pyHanko's signing (asyncio.run) cannot start while it runs."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)

"""A live qlvb server on a loopback port with the demo data, driven by Debian's Chromium through Playwright.

No browser is downloaded: Playwright launches /usr/bin/chromium (design.md §9).
"""

import os
import shutil
import threading

import flask_migrate
import pytest
from werkzeug.serving import make_server

from app import create_app
from app.audit.context import origin
from app.config import TestConfig
from app.core.db import db
from app.core.transaction import unit_of_work
from tests.conftest import fresh_database_url

CHROMIUM = os.environ.get("QLVB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The application the live server serves: a fresh database with the shipped processes and the demo data."""
    instance = tmp_path_factory.mktemp("e2e")
    config = TestConfig(fresh_database_url(instance, "e2e"), instance)
    # QLVB_COOKIE_SECURE=true, forced: the browser must accept a Secure cookie on http://127.0.0.1 too.
    config.COOKIE_SECURE_AUTO = False
    config.SESSION_COOKIE_SECURE = True
    config.REMEMBER_COOKIE_SECURE = True
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade()
    failures = []

    def load() -> None:
        # In a thread of its own: the demo history signs PDFs (pyhanko runs asyncio), and Playwright's event loop
        # may already be running in this one.
        from app.demo import load_demo
        from app.workflow.definitions import sync_processes

        try:
            with app.app_context(), origin("cli", "e2e"), unit_of_work():
                sync_processes()
                load_demo()
        except BaseException as exc:  # re-raised below, in the fixture's thread
            failures.append(exc)

    loader = threading.Thread(target=load)
    loader.start()
    loader.join()
    if failures:
        raise failures[0]
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, username: str, password: str = "QlvbDemo@2026") -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()

"""A live qlvb server on a loopback port with the demo data, driven by Debian's Chromium through Playwright.

No browser is downloaded: Playwright launches /usr/bin/chromium (design.md §9).

Artifacts: `step(page, "lãnh đạo cho ý kiến")` screenshots a named step into the test's folder,
QLVB_E2E_ARTIFACTS/<module>.<test>/NN-step.png (default test-artifacts/e2e/); when a test fails, every page it left
open adds a screenshot, its HTML and its URL there and the report names the folder; a test that passes leaves no
folder (unless QLVB_E2E_KEEP_ARTIFACTS=1, to look through a story's screenshots).
"""

import os
import re
import shutil
import threading
import unicodedata
from pathlib import Path

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
ARTIFACTS = Path(os.environ.get("QLVB_E2E_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e")
FOLDER = pytest.StashKey[Path]()
FAILED = pytest.StashKey[bool]()
KEEP_ALL = os.environ.get("QLVB_E2E_KEEP_ARTIFACTS") == "1"  # keep passed tests' step screenshots too (to review)
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
    # The stories sign the same demo people in many times a minute from 127.0.0.1 (tests/org/test_rate_limits.py
    # proves the limits themselves).
    config.LOGIN_RATE_PER_ACCOUNT = config.LOGIN_RATE_PER_IP = 10_000
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


def slug(text: str, limit: int = 80) -> str:
    """A file name from a Vietnamese step name: no diacritics, no spaces ("Lãnh đạo ký số" → "lanh-dao-ky-so")."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9_]+", "-", plain).strip("-").lower()[:limit] or "step"


class Steps:
    """`step(page, name)`: a numbered full-page screenshot of what `page` shows after the step `name`."""

    def __init__(self, folder: Path):
        self.folder, self.count = folder, 0

    def __call__(self, page, name: str) -> None:
        self.count += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=self.folder / f"{self.count:02d}-{slug(name)}.png", full_page=True)


@pytest.fixture
def step(request):
    return Steps(request.node.stash[FOLDER])


@pytest.fixture(autouse=True)
def e2e_artifacts(request, browser):
    """The test's artifact folder, emptied first; afterwards the browser contexts the test left open are closed
    (a failed test's people would otherwise linger into the next test's failure screenshots)."""
    # module.test[params]: unique across modules and parameters, so one test never empties another's folder.
    folder = ARTIFACTS / f"{request.node.path.stem}.{slug(request.node.name, limit=200)}"
    shutil.rmtree(folder, ignore_errors=True)
    request.node.stash[FOLDER] = folder
    yield folder
    for context in list(browser.contexts):
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    folder = item.stash.get(FOLDER, None)
    if folder is None:
        return report
    if report.failed:
        item.stash[FAILED] = True
        browser = item.funcargs.get("browser")
        if report.when == "call" and browser is not None:
            save_failure(browser, folder)
        report.sections.append(("e2e artifacts", f"screenshots, HTML and URL of each open page: {folder}"))
    if report.when == "teardown" and not item.stash.get(FAILED, False) and not KEEP_ALL:
        shutil.rmtree(folder, ignore_errors=True)
    return report


def save_failure(browser, folder: Path) -> None:
    """What each page the test still has open shows at the failure: screenshot, HTML, URL (failure-N.*)."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = [page for context in browser.contexts for page in context.pages]
    urls = []
    for number, page in enumerate(pages, start=1):
        try:  # whose page it is, in a story of several people: the name in the header's user menu
            who = page.get_by_test_id("user-menu").first.text_content(timeout=1_000).strip()
        except Exception:
            who = "(chưa đăng nhập)"
        urls.append(f"failure-{number}: {who} — {page.url}")
        try:
            page.screenshot(path=folder / f"failure-{number}.png", full_page=True, timeout=5_000)
            (folder / f"failure-{number}.html").write_text(page.content(), encoding="utf-8")
        except Exception as exc:  # a page mid-navigation or crashed: keep what could be saved
            urls.append(f"failure-{number}: not saved ({exc.__class__.__name__})")
    (folder / "failure-urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")

"""No secret ever reaches a log line or an audit row: passwords (sign-in, change, reset, a refused one), API tokens,
exchange peer secrets and signing PINs / passphrases, with every logger at DEBUG while the flows run."""

import io
import logging

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.transaction import unit_of_work
from app.signing import credentials
from tests.conftest import PASSWORD, csrf_token, login
from tests.signing import factories
from tests.signing.keyfiles import p12_of

SECRETS = {
    "wrong_password": "Sai-Bi-Mat-7731",
    "new_password": "Doi-Bi-Mat-8842",
    "reset_password": "Dat-Lai-Bi-Mat-9953",
    "refused_password": "ngan7",
    "peer_secret": "khoa-lien-thong-bi-mat-0123456789abcdef",
    "peer_secret_rotated": "khoa-lien-thong-moi-fedcba9876543210",
    "pin": "975318",
    "wrong_pin": "864207",
    "passphrase": "con-dau-bi-mat-4455",
}


class Everything(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))
        if record.exc_info:  # a traceback's frames and message too
            self.lines.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture
def every_log_line():
    """Every logger at DEBUG, each line kept (loggers that do not propagate get the handler themselves)."""
    handler = Everything()
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if logger is logging.getLogger() or not logger.propagate:
            logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled
            if handler in logger.handlers:
                logger.removeHandler(handler)


@pytest.fixture(scope="module")
def pki():
    return factories.build_test_pki()


def test_no_secret_is_logged_or_audited(client, admin, create_user, pki, every_log_line):
    found = dict(SECRETS)
    with unit_of_work():
        leader = create_user(roles=("lanh_dao",), agency=admin.agency, username="lanhdao", full_name="Nguyễn Văn An")
    # Sign-in: refused, then accepted, on the page and for a token.
    client.post("/login", data={"username": "lanhdao", "password": found["wrong_password"]})  # no CSRF token
    token = csrf_token(client, "/login")
    client.post("/login", data={"username": "lanhdao", "password": found["wrong_password"], "csrf_token": token})
    answer = client.post("/api/v1/tokens", json={"username": "lanhdao", "password": PASSWORD, "name": "script"})
    assert answer.status_code == 201
    found["api_token"] = answer.json["token"]
    login(client, "lanhdao")
    # Password change: a refused new password, then a good one.
    for new in (found["refused_password"], found["new_password"]):
        client.post(
            "/account/password",
            data={
                "csrf_token": csrf_token(client, "/account/password"),
                "current_password": PASSWORD,
                "new_password": new,
                "confirm": new,
            },
        )
    created = client.post(
        "/account/tokens", data={"csrf_token": csrf_token(client, "/account/tokens"), "name": "khác", "days": "5"}
    )
    found["page_token"] = created.get_data(as_text=True).split("qlvb_", 1)[1].split("<", 1)[0].split('"', 1)[0]
    found["page_token"] = "qlvb_" + found["page_token"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    # The administrator resets it, sets up an exchange peer and stores signing keys.
    login(client, admin.username)
    reset_page = f"/admin/users/{leader.id}"
    client.post(
        f"/admin/users/{leader.id}/password",
        data={"csrf_token": csrf_token(client, reset_page), "new_password": found["reset_password"]},
    )
    admin_token = client.post("/api/v1/tokens", json={"username": admin.username, "password": PASSWORD}).json["token"]
    headers = {"Authorization": f"Bearer {admin_token}"}
    found["admin_token"] = admin_token
    peer = client.post(
        "/api/v1/exchange/peers",
        json={"name": "Tỉnh B", "key_id": "tinh-b", "base_url": "https://b.test", "secret": found["peer_secret"]},
        headers=headers,
    )
    assert peer.status_code == 201, peer.json
    client.post(
        f"/api/v1/exchange/peers/{peer.json['id']}/rotate-secret",
        json={"secret": found["peer_secret_rotated"]},
        headers=headers,
    )
    for pin in (found["wrong_pin"], found["pin"]):  # a p12 opened with the wrong PIN is refused, then the right one
        client.post(
            "/admin/signing/credentials/personal",
            data={
                "csrf_token": csrf_token(client, "/admin/signing/credentials/personal"),
                "user_id": str(leader.id),
                "pin": pin,
                "p12": (io.BytesIO(p12_of(pki.person, pki, found["pin"])), "an.p12"),
            },
            content_type="multipart/form-data",
        )
    with unit_of_work():
        credentials.add_organization(
            admin,
            admin.agency_id,
            p12=p12_of(pki.seal, pki, found["passphrase"]),
            passphrase=found["passphrase"],
            seal_png=None,
        )

    assert len(every_log_line) > 0  # the capture works: requests and services did log
    rows = db.session.scalars(sa.select(AuditEvent)).all()
    actions = {row.action for row in rows}
    assert {"auth.login", "auth.login_failed", "auth.password_change", "auth.password_reset"} <= actions
    assert {"api_token.create", "exchange.peer_add", "exchange.peer_rotate_secret"} <= actions
    assert [row.action for row in rows].count("signing.credential_add") == 2  # the wrong PIN added nothing
    audited = [
        " ".join(str(v) for v in (row.summary, row.changes, row.user_agent, row.object_id, row.actor_name))
        for row in rows
    ]
    for name, secret in found.items():
        assert len(secret) >= 5
        assert not [line for line in every_log_line if secret in line], f"{name} in the logs"
        assert not [line for line in audited if secret in line], f"{name} in the audit log"


def test_the_capture_would_see_a_leak(every_log_line):
    logging.getLogger("sqlalchemy.engine.Engine").debug("leak %s", SECRETS["pin"])
    assert any(SECRETS["pin"] in line for line in every_log_line)

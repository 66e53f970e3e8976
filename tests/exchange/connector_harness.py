"""Two qlvb deployments on loopback for the connector's tests: each its own app and database, served by werkzeug.

Deployment A serves "Ủy ban nhân dân tỉnh Nghệ An" (000.00.00.H41), deployment B "Sở Nội vụ tỉnh Hà Giang"
(000.00.00.H29 — any two codes the directory knows). Each knows the other as a peer with the same key id and
secret, and the other's agency in its directory. Nothing here uses the per-test savepoint (db_session): the
servers' threads commit for real, in their own databases.
"""

import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import flask_migrate
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from app.config import TestConfig
from app.core import clock
from app.core.db import db
from app.core.transaction import unit_of_work
from app.exchange.connector_auth import signature
from app.exchange.edxml import build_package
from app.exchange.models import DirectoryEntry, ExchangePeer
from app.exchange.peers import set_secret
from app.org import services as org
from app.workflow.definitions import sync_processes
from tests.conftest import PASSWORD, IsolatedClient, fresh_database_url
from tests.signing.factories import make_pdf

A_CODE, A_NAME = "000.00.00.H41", "Ủy ban nhân dân tỉnh Nghệ An"
B_CODE, B_NAME = "000.00.00.H29", "Sở Nội vụ tỉnh Hà Giang"
KEY_ID = "lien-thong-nghe-an-ha-giang"
SECRET = "bi-mat-chung-cua-hai-he-thong-0123456789"


@dataclass
class Deployment:
    name: str
    app: Flask
    code: str
    url: str = ""
    server: object = None
    thread: threading.Thread | None = None
    ids: dict = field(default_factory=dict)

    @contextmanager
    def work(self):
        """A unit of work in this deployment (its app context, its database)."""
        with self.app.app_context():
            try:
                with unit_of_work():
                    yield db.session
            finally:
                db.session.remove()

    def read(self, func):
        with self.app.app_context():
            try:
                return func()
            finally:
                db.session.remove()

    def count(self, model, *where) -> int:
        return self.read(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)))

    def serve(self) -> None:
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.thread.join(timeout=5)
        with self.app.app_context():
            db.engine.dispose()


def deployment(tmp_path, name: str, code: str, agency_name: str) -> Deployment:
    folder = tmp_path / name
    folder.mkdir()
    app = create_app(TestConfig(fresh_database_url(folder, name), folder))
    app.test_client_class = IsolatedClient
    with app.app_context():
        flask_migrate.upgrade()
    found = Deployment(name=name, app=app, code=code)
    with found.work():
        sync_processes()
        agency = org.create_agency(None, code=code, name=agency_name, abbreviation=name.upper())
        admin = org.create_user(
            None,
            username=f"quantri.{name}",
            full_name="Quản trị liên thông",
            password=PASSWORD,
            agency_id=agency.id,
            roles=["quan_tri"],
        )
        db.session.flush()
        found.ids.update(agency=agency.id, admin=admin.id)
    found.serve()
    return found


def link(here: Deployment, there: Deployment, there_name: str) -> None:
    """`here` knows `there` as a peer (same key id and secret on both sides) and its agency in the directory."""
    with here.work():
        peer = ExchangePeer(name=f"QLVB {there_name}", key_id=KEY_ID, base_url=there.url, require_signature=False)
        set_secret(peer, SECRET)
        db.session.add(peer)
        db.session.flush()
        db.session.add(DirectoryEntry(code=there.code, name=there_name, peer_id=peer.id))
        db.session.flush()
        here.ids["peer"] = peer.id


def package(*, to_code: str = B_CODE, from_code: str = A_CODE, number: int = 1, business_type: int = 0) -> bytes:
    """A package A's agency sends: a Công văn with one PDF."""
    metadata = {
        "sender_code": from_code,
        "sender_name": A_NAME,
        "organ_id_to": to_code,
        "organ_name_to": B_NAME,
        "code_number": f"{number:02d}",
        "code_notation": "UBND-VP",
        "issued_date": "2026-11-20",
        "type_name": "Công văn",
        "subject": f"Về việc thử nghiệm liên thông số {number}",
        "business_type": business_type,
    }
    if business_type == 1:  # a revocation names the document it revokes, and carries no file
        metadata.update(business_document_id=document_key(number, from_code), business_reason="Thu hồi văn bản")
        return build_package(metadata, [])
    return build_package(metadata, [("cong-van.pdf", make_pdf(f"Cong van {number}/UBND-VP"), "application/pdf")])


def document_key(number: int, from_code: str = A_CODE) -> str:
    return f"{from_code},2026/11/20,{number:02d}/UBND-VP"


def signed_headers(body: bytes, *, key: str, message_type: str = "edoc", **override) -> dict[str, str]:
    """The headers of a request signed as protocol qlvb-peer/1 says, unless a value is overridden."""
    timestamp = override.pop("timestamp", str(int(clock.now().timestamp())))
    nonce = override.pop("nonce", secrets.token_hex(16))
    secret = override.pop("secret", SECRET)
    return {
        "X-Qlvb-Key-Id": override.pop("key_id", KEY_ID),
        "X-Qlvb-Timestamp": timestamp,
        "X-Qlvb-Nonce": nonce,
        "X-Qlvb-Message-Type": message_type,
        "X-Qlvb-Idempotency-Key": key,
        "X-Qlvb-Signature": signature(secret.encode(), timestamp, nonce, message_type, key, body),
        "X-Qlvb-Message-Id": override.pop("message_id", f"qlvb-raw-{key}"),
        "Content-Type": "application/xml",
    }

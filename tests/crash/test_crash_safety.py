"""Crash safety (design.md §8: one user action = one transaction; a failure leaves nothing half-written).

A real `qlvb serve` is SIGKILLed at random moments while the agency's people work through the API — registering
incoming documents (số đến), directing and handling them, reviewing, signing and issuing outgoing ones (number,
seal) — and afterwards every rule of `qlvb check` holds: each workflow state agrees with its human tasks, each
document with its case, numbers are unique and gap-free per register and year, every file a row names exists, the
audit chain verifies; and a receipt retried with its message id after a kill made one document.

QLVB_CRASH_SEED replays a run (the seed is in every failure message); QLVB_CRASH_KILLS sets the kills of the
default run (20). The full run — 100 kills — is marked `crash`: `pytest -m crash tests/crash`.
"""

import os
import random
from collections import Counter
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.audit.context import origin
from app.config import TestConfig
from app.core.db import db
from app.core.transaction import unit_of_work
from app.documents.models import NumberAssignment
from app.incoming.models import IncomingDocument
from app.maintenance import blobs_exist, sweep_orphan_blobs
from app.signing.sample import draft_pdf
from tests.conftest import fresh_database_url
from tests.crash.harness import SUBJECT, Driver, Killer, Server
from tests.crash.seed import seed
from tests.signing.factories import make_pdf

KILLS = int(os.environ.get("QLVB_CRASH_KILLS") or 20)
FULL_KILLS = 100
SEED = int(os.environ.get("QLVB_CRASH_SEED") or random.SystemRandom().randrange(2**32))
FINISH_MOVES = 60  # task completions at most after the last kill (Driver.finish)


def deployment(tmp_path: Path) -> tuple[Flask, dict, dict]:
    """A migrated database, the instance folder the server shares, the seed data (tests/crash/seed.py); the app
    (built here, in this process) is the one `check_consistency` runs in afterwards."""
    instance = tmp_path / "instance"
    instance.mkdir()
    url = fresh_database_url(tmp_path, "crash")
    app = create_app(TestConfig(url, instance))
    # As the server has them (app.config.Config): the checkpoint of the audit chain's head, the trusted root.
    app.config["AUDIT_CHECKPOINTS"] = str(instance / "audit-checkpoints.log")
    app.config["SIGNING_TRUST_ROOTS"] = str(instance / "roots.pem")
    with app.app_context():
        flask_migrate.upgrade()
        with origin("127.0.0.1", "crash-test seed"), unit_of_work():
            seed_data = seed()
        db.engine.dispose()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "QLVB_SECRET_KEY": app.config["SECRET_KEY"],
        "QLVB_INSTANCE_PATH": str(instance),
        "QLVB_DATABASE_URL": url,
        "QLVB_TRUST_ROOTS": app.config["SIGNING_TRUST_ROOTS"],
        "QLVB_SCHEDULER": "0",
        "QLVB_LOG_LEVEL": "WARNING",
    }
    return app, env, seed_data


def outgoing_draft() -> bytes:
    return draft_pdf(
        agency_parent="",
        agency_name="Ủy ban nhân dân tỉnh Kiên Giang",
        notation_hint="UBND-TH",
        place="Rạch Giá",
        type_name=None,
        subject=SUBJECT,
        body=["Ủy ban nhân dân tỉnh kiểm thử việc phát hành văn bản khi máy chủ bị dừng đột ngột."],
        signer_authority=None,
        signer_title="Chủ tịch",
        signer_name="Trần Văn Minh",
        recipients=["Phòng Kinh tế"],
    )


def crash_and_check(tmp_path: Path, kills: int) -> None:
    seed = SEED
    print(f"crash test: seed {seed} (QLVB_CRASH_SEED={seed} replays it), {kills} kills")
    app, env, seed_data = deployment(tmp_path)
    rng = random.Random(seed)
    server = Server(env, tmp_path / "server.log")
    server.start()
    killer = Killer(server, rng, kills)
    driver = Driver(server.base, seed_data, random.Random(rng.getrandbits(64)), make_pdf(), outgoing_draft())
    driver.write_started = killer.write_started
    try:
        killer.start()
        while not killer.done.is_set():
            driver.step()
        assert killer.error is None, f"seed {seed}: {killer.error!r}"
        driver.settle()
        driver.finish(rounds=FINISH_MOVES)
    finally:
        killer.done.wait(120)
        server.stop()
    cut = ", ".join(f"{label} {n}" for label, n in driver.cut.most_common())
    answers = ", ".join(f"{kind} {n}" for kind, n in sorted(driver.answers().items()))
    context = f"seed {seed}, {killer.count} kills; requests cut: {cut}; answers: {answers}; server log {server.log}"

    errors = [s for s in driver.statuses if s[1] >= 500]
    assert not errors, f"{context}: answers 5xx {errors[:10]}"
    # A completion sent again after a kill: done now, or refused as done by the first attempt — nothing else.
    wrong = [r for r in driver.retried if r[1] != 200 and r[2] != "task_already_completed"]
    assert not wrong, f"{context}: retried completions answered {wrong}"
    check = app.test_cli_runner().invoke(args=["check"])  # `qlvb check`: every module's rules
    assert check.exit_code == 0, f"{context}:\n{check.output}"
    with app.app_context():
        received = Counter(db.session.scalars(sa.select(IncomingDocument.message_id)))
        numbers = dict(
            db.session.execute(
                sa.select(NumberAssignment.object_type, sa.func.count()).group_by(NumberAssignment.object_type)
            ).all()
        )
        # What killed transactions stored and never committed is garbage the sweep takes, and only that.
        app.config["BLOB_SWEEP_HOURS"] = 0
        swept = sweep_orphan_blobs()
        problems = blobs_exist()
        db.session.remove()
        db.engine.dispose()
    assert not problems, f"{context}:\n" + "\n".join(map(str, problems))
    retried = dict(Counter(r[2] or r[1] for r in driver.retried))
    print(f"{context}: completions retried {retried}, numbers given {numbers}, {swept} orphan blobs swept")
    # NĐ 30/2020 Điều 22: a receipt retried with its message id after a kill is one document, never two or none.
    assert {m: received[m] for m in driver.message_ids} == dict.fromkeys(driver.message_ids, 1), context
    # The run did numbering and signing at all (otherwise it proves nothing): số đến and số văn bản đi were given.
    assert numbers.get("incoming", 0) >= 1 and numbers.get("outgoing", 0) >= 1, f"{context}: numbers {numbers}"


def test_killed_server_leaves_every_case_consistent(tmp_path):
    crash_and_check(tmp_path, KILLS)


@pytest.mark.crash
def test_killed_server_a_hundred_times_leaves_every_case_consistent(tmp_path):
    crash_and_check(tmp_path, FULL_KILLS)

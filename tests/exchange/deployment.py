"""The operator of one qlvb deployment in the loopback exchange test: a process of its own, with that deployment's
environment (QLVB_DATABASE_URL, QLVB_INSTANCE_PATH, QLVB_TRUST_ROOTS …), as an administrator's shell on its host.

Nothing of one deployment is ever imported into the other's process or the test's. Creating the app costs seconds of
CPU on a shared machine, so the operator is started once and takes its commands as JSON lines on standard input;
each answer is one line `@@ {"ok": …, "result" | "error": …}` on standard output (anything else printed is noise):

    {"cmd": "upgrade"}                                  the migrations (`qlvb db upgrade`)
    {"cmd": "setup", "args": {"spec": {…}}}             the agency, its people with API tokens, registers and keys
    {"cmd": "qlvb", "args": {"argv": ["exchange", …]}}  a `qlvb` command, e.g. the pairing of README/docs
    {"cmd": "send_outbox", "args": {"due_now": true}}   the scheduler's job `exchange.send_outbox`, once

`send_outbox` is what `qlvb scheduler` runs every 30 s, run when the test wants it (deterministic); `due_now` first
makes the waiting retries due, standing in for the backoff minutes a test cannot wait.
"""

from __future__ import annotations

import base64
import json
import sys
import traceback

SEND_JOB = "exchange.send_outbox"
TOKEN_NAME = "kiểm thử liên thông"


def upgrade() -> None:
    import flask_migrate

    flask_migrate.upgrade()


def setup(spec: dict) -> dict:
    """The agency as an administrator sets it up: a unit, the five roles (with API tokens), the default registers,
    the leader's personal key, the agency seal and the exchange certificate (all from the shared throwaway PKI)."""
    from app.audit.context import origin
    from app.core.transaction import unit_of_work
    from app.documents.models import RegisterKind
    from app.documents.services import default_register
    from app.org import services as org
    from app.org.auth import create_api_token
    from app.signing import credentials
    from app.workflow.definitions import sync_processes

    p12 = {name: base64.b64decode(value) for name, value in spec["p12"].items()}
    with origin("cli", "tests.exchange.deployment"), unit_of_work():
        sync_processes()
        agency = org.create_agency(None, code=spec["code"], name=spec["name"], abbreviation=spec["abbreviation"])
        unit = org.create_unit(
            None, agency_id=agency.id, name=spec["unit_name"], abbreviation=spec["unit_abbreviation"]
        )
        people = {}
        for key, (username, full_name, roles, in_unit) in spec["people"].items():
            people[key] = org.create_user(
                None,
                username=username,
                full_name=full_name,
                password=spec["password"],
                agency_id=agency.id,
                roles=roles,
                unit_id=unit.id if in_unit else None,
            )
        registers = {kind.value: default_register(agency.id, kind).id for kind in RegisterKind}
        credentials.add_personal(None, people["leader"].id, p12=p12["leader"], pin=spec["pin"], image_png=None)
        credentials.add_organization(None, agency.id, p12=p12["seal"], passphrase=spec["pin"], seal_png=None)
        credentials.add_exchange(None, agency.id, p12=p12["exchange"], passphrase=spec["pin"])
        tokens = {key: create_api_token(user, name=TOKEN_NAME)[1] for key, user in people.items()}
        return {
            "agency_id": agency.id,
            "unit_id": unit.id,
            "users": {key: user.id for key, user in people.items()},
            "registers": registers,
            "tokens": tokens,
        }


def qlvb(argv: list[str]) -> str:
    """One `qlvb …` command (the same click commands as the console script), its output; a failure raises."""
    from flask import current_app

    result = current_app.test_cli_runner().invoke(args=argv)
    if result.exit_code != 0:
        raise RuntimeError(f"qlvb {' '.join(argv)} exited {result.exit_code}: {result.output}\n{result.exception!r}")
    return result.output


def send_outbox(*, due_now: bool = False, resend_sent: bool = False) -> dict:
    """Run the outbox job once; report the outbox afterwards (kind, key, state, attempts, last error of each row).

    `resend_sent` stands in for a sender that crashed after the peer committed but before it recorded the answer:
    every message already sent is sent again, under the same idempotency key."""
    import sqlalchemy as sa
    from flask import current_app

    from app.core import clock
    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.exchange.models import OutboxMessage, OutboxState
    from app.scheduler import load_jobs, run_job

    pending = OutboxMessage.state == OutboxState.PENDING
    with unit_of_work():
        if resend_sent:
            db.session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.state == OutboxState.SENT)
                .values(state=OutboxState.PENDING, next_attempt_at=clock.now(), sent_at=None)
            )
        if due_now:
            db.session.execute(sa.update(OutboxMessage).where(pending).values(next_attempt_at=clock.now()))
    jobs = [job for job in load_jobs() if job.id == SEND_JOB]
    if not jobs:
        raise RuntimeError(f"no scheduler job {SEND_JOB!r} is declared: the connector's outbox cannot be sent")
    ok = run_job(current_app._get_current_object(), jobs[0])
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return {
        "ok": ok,
        "rows": [
            {"kind": r.kind, "key": r.idempotency_key, "state": r.state, "attempts": r.attempts, "error": r.last_error}
            for r in rows
        ],
    }


COMMANDS = {"upgrade": upgrade, "setup": setup, "qlvb": qlvb, "send_outbox": send_outbox}


def main() -> None:
    from app import create_app
    from app.core.db import db

    app = create_app()
    print("@@ " + json.dumps({"ok": True, "result": "ready"}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            with app.app_context():
                answer = {"ok": True, "result": COMMANDS[request["cmd"]](**request.get("args", {}))}
                db.session.remove()
        except BaseException:  # a command's SystemExit too: the operator answers and goes on
            answer = {"ok": False, "error": traceback.format_exc()}
        print("@@ " + json.dumps(answer, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()

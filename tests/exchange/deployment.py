"""One qlvb deployment of the loopback exchange test, set up and driven from a process of its own.

The test (test_two_deployments.py) runs this module with the deployment's environment (QLVB_DATABASE_URL,
QLVB_INSTANCE_PATH, QLVB_TRUST_ROOTS …), as an administrator would run `qlvb` on that host; nothing of one
deployment is ever imported into the other's process or the test's:

    python -m tests.exchange.deployment setup SPEC.json   → prints the ids and API tokens as JSON
    python -m tests.exchange.deployment send-outbox [--due-now]

`setup` builds one agency the way an administrator would (units, the five roles, the default registers, the
leader's personal key, the agency seal, the exchange credential from the shared throwaway PKI).
`send-outbox` runs the scheduler's job `exchange.send_outbox` once, in this process, as `qlvb scheduler` would;
`--due-now` first makes the waiting retries due, standing in for the backoff minutes a test cannot wait.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

SEND_JOB = "exchange.send_outbox"
TOKEN_NAME = "kiểm thử liên thông"


def _app():
    from app import create_app

    return create_app()


def setup(spec: dict) -> dict:
    """The agency, its people (with API tokens), registers and keys; returns ids and the plain tokens."""
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
        add_exchange_credential(agency.id, p12["exchange"], spec["pin"])
        tokens = {key: create_api_token(user, name=TOKEN_NAME)[1] for key, user in people.items()}
        return {
            "agency_id": agency.id,
            "unit_id": unit.id,
            "users": {key: user.id for key, user in people.items()},
            "registers": registers,
            "tokens": tokens,
        }


def add_exchange_credential(agency_id: int, p12: bytes, passphrase: str) -> None:
    """The agency's exchange certificate (CredentialKind.EXCHANGE): the XML-DSig key of its packages."""
    from app.signing import credentials

    credentials.add_exchange(None, agency_id, p12=p12, passphrase=passphrase)


def send_outbox(*, due_now: bool, resend_sent: bool = False) -> dict:
    """Run the outbox job once; report the outbox afterwards (state and last error of each row).

    `resend_sent` stands in for a sender that crashed after the peer committed but before it recorded the answer:
    the packages already sent are sent again, under the same idempotency keys."""
    import sqlalchemy as sa
    from flask import current_app

    from app.core import clock
    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.exchange.models import OutboxMessage, OutboxState
    from app.scheduler import load_jobs, run_job

    if resend_sent:
        with unit_of_work():
            db.session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.state == OutboxState.SENT, OutboxMessage.kind == "edoc")
                .values(state=OutboxState.PENDING, next_attempt_at=clock.now(), sent_at=None)
            )
    if due_now:
        with unit_of_work():
            db.session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.state == OutboxState.PENDING)
                .values(next_attempt_at=clock.now())
            )
    jobs = [job for job in load_jobs() if job.id == SEND_JOB]
    if not jobs:
        raise SystemExit(f"no scheduler job {SEND_JOB!r} is declared: the connector's outbox cannot be sent")
    [job] = jobs
    ok = run_job(current_app._get_current_object(), job)
    db.session.remove()
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return {
        "ok": ok,
        "rows": [
            {"kind": r.kind, "key": r.idempotency_key, "state": r.state, "attempts": r.attempts, "error": r.last_error}
            for r in rows
        ],
    }


def main(argv: list[str]) -> None:
    app = _app()
    with app.app_context():
        if argv[0] == "setup":
            result = setup(json.loads(Path(argv[1]).read_text()))
        elif argv[0] == "send-outbox":
            result = send_outbox(due_now="--due-now" in argv[1:], resend_sent="--resend-sent" in argv[1:])
        else:
            raise SystemExit(f"unknown command {argv[0]!r}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])

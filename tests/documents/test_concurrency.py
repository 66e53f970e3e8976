"""Many clerks register at the same moment: numbers 1..N, each once, none lost to a rollback.

Real threads, real commits, on a database of its own (a per-test savepoint cannot be shared by threads).
PostgreSQL: 50 threads, every one succeeds at the first attempt (the counter row lock queues them).
SQLite: fewer threads; it has one writer at a time, and a transaction that read before another writer
committed cannot write: it gets a retryable refusal (`register_busy`, or SQLite's "database is locked" for other
writes) and tries again, as a person would. The numbers must come out the same: gap-free and unique.
"""

import random
import threading
import time

import flask_migrate
import sqlalchemy as sa

from app import create_app
from app.audit import services as audit
from app.audit.services import verify_chain
from app.config import TestConfig
from app.core.db import db
from app.core.errors import Conflict
from app.core.transaction import unit_of_work
from app.documents import numbering, services
from app.documents.models import NumberAssignment, Register, RegisterCounter, RegisterKind
from app.org import services as org
from app.org.models import User
from tests.conftest import PASSWORD, TEST_DB, fresh_database_url

THREADS = 50 if TEST_DB == "postgresql" else 10
ROLLED_BACK = {i for i in range(THREADS) if i % 10 == 3}  # these take a number, then fail


def _is_busy(exc: Exception) -> bool:
    if isinstance(exc, Conflict):
        return exc.code == "register_busy"
    # Only SQLite's busy answer: a PostgreSQL deadlock ("… blocked by process …") must fail the test.
    return TEST_DB == "sqlite" and isinstance(exc, sa.exc.OperationalError) and "database is locked" in str(exc)


def test_concurrent_registrations_get_exactly_one_to_n(tmp_path):
    app = create_app(TestConfig(fresh_database_url(tmp_path, "documents_concurrency"), tmp_path))
    with app.app_context():
        flask_migrate.upgrade()
        with unit_of_work():
            agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh Kiên Giang", abbreviation="UBND")
            clerk_id = org.create_user(
                None, username="vanthu", full_name="Văn thư", password=PASSWORD, agency_id=agency.id, roles=["van_thu"]
            ).id
            agency_id = agency.id
        db.session.remove()

    barrier = threading.Barrier(THREADS)
    numbers: dict[int, int] = {}
    retries, errors = [], []

    def register(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                for _attempt in range(200):
                    try:
                        with unit_of_work():
                            clerk = db.session.get(User, clerk_id)  # a request reads before it numbers
                            if i % 2:  # half audit first: the lock order must not deadlock
                                audit.record(clerk, "test.receive", summary=f"Nhận văn bản {i}")
                            # No register exists yet: every thread races to create the default one too.
                            register_id = services.default_register(agency_id, RegisterKind.INCOMING).id
                            assignment = numbering.assign_number(clerk, register_id, "incoming_document", i)
                            if i in ROLLED_BACK:
                                raise RuntimeError("registration failed after numbering")
                            numbers[i] = assignment.number
                        break
                    except Exception as exc:
                        if i in ROLLED_BACK and isinstance(exc, RuntimeError):
                            break
                        if not _is_busy(exc):
                            raise
                        retries.append(i)
                        time.sleep(random.uniform(0.001, 0.02))
                else:
                    raise AssertionError(f"thread {i} never got through")
            except Exception as exc:
                errors.append((i, repr(exc)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert all(not t.is_alive() for t in threads)
    committed = THREADS - len(ROLLED_BACK)
    assert sorted(numbers.values()) == list(range(1, committed + 1)), numbers
    if TEST_DB == "postgresql":
        assert retries == []  # row locks queue the callers: nobody is refused
    with app.app_context():
        registers = db.session.scalars(sa.select(Register)).all()
        assert len(registers) == 1 and registers[0].is_default  # one default register, however many raced
        rows = db.session.execute(sa.select(NumberAssignment.number, NumberAssignment.object_id)).all()
        assert sorted(n for n, _ in rows) == list(range(1, committed + 1))
        assert {object_id: n for n, object_id in rows} == numbers
        [counter] = db.session.scalars(sa.select(RegisterCounter)).all()
        assert counter.last_number == committed
        assert verify_chain().ok
        db.session.remove()
        db.engine.dispose()
    print(f"{TEST_DB}: {THREADS} threads, {len(ROLLED_BACK)} rolled back, {len(retries)} retries")

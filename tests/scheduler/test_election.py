"""Leader election on the database under test: one leader at a time, and a standby takes over when it goes.

These tests use real connections (PostgreSQL advisory locks) or real lock files next to the SQLite database,
never the per-test savepoint session: a lock held in a rolled-back test transaction would prove nothing.
"""

import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from app.config import PROJECT_ROOT
from app.core.db import db
from app.scheduler import FileLeaderElection, PostgresLeaderElection, leader_election_for


@pytest.fixture
def electors(app):
    """Make electors for the test database; all are released and disposed afterwards."""
    made = []

    def factory():
        election = leader_election_for(app)
        made.append(election)
        return election

    yield factory
    for election in made:
        election.dispose()


def wait_until(predicate, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_only_one_of_two_electors_leads(electors):
    first, second = electors(), electors()

    assert first.try_acquire() is True
    assert second.try_acquire() is False
    assert first.still_leader() is True
    assert second.still_leader() is False
    assert first.try_acquire() is True  # asking again keeps the lead, it does not lock twice


def test_standby_takes_over_once_the_leader_releases(electors):
    first, second = electors(), electors()
    assert first.try_acquire()
    assert not second.try_acquire()

    first.release()
    first.release()  # idempotent

    assert second.try_acquire() is True
    assert first.try_acquire() is False


def test_leader_notices_it_lost_the_lock_and_standby_takes_over(app, electors):
    leader, standby = electors(), electors()
    assert leader.try_acquire()

    if isinstance(leader, PostgresLeaderElection):
        # The lock connection drops (network, server restart, an operator): the server ends the session.
        with app.app_context(), db.engine.connect() as conn:
            terminated = conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'qlvb scheduler' AND datname = current_database()"
                )
            ).all()
        assert terminated == [(True,)]
    else:
        assert isinstance(leader, FileLeaderElection)
        leader.path.unlink()  # the lock file was removed: a second process could lock a new one

    assert wait_until(standby.try_acquire)
    assert leader.still_leader() is False
    assert leader.try_acquire() is False


def test_standby_takes_over_when_the_leader_process_is_killed(app, electors):
    election = electors()
    if isinstance(election, PostgresLeaderElection):
        target = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=False)
        make = f"PostgresLeaderElection({target!r})"
    else:
        make = f"FileLeaderElection({str(election.path)!r})"
    script = (
        "import time\n"
        "from app.scheduler import FileLeaderElection, PostgresLeaderElection\n"
        f"election = {make}\n"
        "print('leader' if election.try_acquire() else 'standby', flush=True)\n"
        "time.sleep(60)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout.readline().strip() == "leader"
            assert election.try_acquire() is False
        finally:
            process.kill()  # SIGKILL: no cleanup code runs, only the kernel/server can free the lock
            process.wait()

    assert wait_until(election.try_acquire)

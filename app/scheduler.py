"""The scheduler process: runs the periodic jobs that modules declare, on exactly one elected leader.

Modules declare jobs in their own `jobs.py` (`JOBS: list[app.core.jobs.Job]`), named in their declaration
(`Module(jobs="app.workflow.jobs")`); this file collects them (`app.modules.job_modules`) and runs them with
APScheduler (the only file allowed to import it). Jobs select only what is due (design.md §4) and give each item
its own unit of work; this file adds the app context, the audit origin, error isolation and "never twice at once".

Many processes may run a scheduler (`qlvb scheduler` replicas, every host's `qlvb serve` with
QLVB_SCHEDULER=1, which starts `qlvb scheduler` beside gunicorn); one leads, the others poll and take over when it dies:

- PostgreSQL: a session-level advisory lock on one dedicated connection. The server drops it with the session,
  so a crashed or killed leader frees it. The leader re-checks that it still holds it every poll.
- SQLite (embedded, one machine): an exclusive `flock` on a file next to the database, dropped by the kernel
  when the process dies.
"""

import contextlib
import fcntl
import importlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import click
import sqlalchemy as sa
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.audit.context import origin
from app.core.jobs import Job

log = logging.getLogger(__name__)

# Audit attribution of everything a job changes (app.audit.context.origin).
ORIGIN_IP = "scheduler"
ORIGIN_AGENT = "qlvb scheduler"

# The advisory lock key: the bytes "qlvbsch1" read as a big-endian 64-bit integer. Advisory locks are scoped to
# one database, so two deployments on one PostgreSQL server do not contend.
LOCK_KEY = int.from_bytes(b"qlvbsch1", "big")


# --- job registry -----------------------------------------------------------------------------------------


def load_jobs(module_names: Iterable[str] | None = None) -> list[Job]:
    """Import each job module (default: the ones the modules declare) and return their jobs, ids unique."""
    from app.modules import job_modules

    jobs: list[Job] = []
    seen: dict[str, str] = {}
    for name in job_modules() if module_names is None else module_names:
        module = importlib.import_module(name)
        declared = getattr(module, "JOBS", None)
        if declared is None:
            raise AttributeError(f"job module {name} declares no JOBS list")
        for job in declared:
            if not isinstance(job, Job):
                raise TypeError(f"{name}.JOBS holds {job!r}, not an app.core.jobs.Job")
            if job.id in seen:
                raise ValueError(f"job id {job.id!r} declared twice ({seen[job.id]} and {name})")
            seen[job.id] = name
            jobs.append(job)
    return jobs


def run_job(app: Flask, job: Job) -> bool:
    """Run `job` once in its own app context, attributed to the scheduler; return False if it raised.

    The exception is logged and swallowed: one failing job must not stop the scheduler or the other jobs.
    The app context's teardown removes the job's session, so a failure leaves no open transaction behind.
    """
    with app.app_context(), origin(ORIGIN_IP, ORIGIN_AGENT):
        try:
            job.func()
        except Exception:
            log.exception("scheduled job %s failed", job.id)
            return False
    return True


# --- leader election --------------------------------------------------------------------------------------


class LeaderElection(Protocol):
    def try_acquire(self) -> bool:
        """Become leader if nobody is; never blocks. True when this elector leads (already or now)."""

    def still_leader(self) -> bool:
        """Check the lock is still ours; when it is not, forget it and return False."""

    def release(self) -> None:
        """Give leadership up (idempotent)."""

    def dispose(self) -> None:
        """Release and free the elector's resources (its engine)."""


class PostgresLeaderElection:
    """Leadership = a session-level `pg_try_advisory_lock` held on one dedicated connection.

    Session level, because the lock must outlive transactions and vanish exactly with the session. The
    connection comes from a private engine without a pool: closing it really ends the session (a pooled
    connection would park the lock in the pool), and gunicorn workers never share it. Keepalives let the
    leader notice a dead network instead of hanging on its check.
    """

    def __init__(self, url: sa.engine.URL | str, key: int = LOCK_KEY) -> None:
        url = sa.engine.make_url(url)
        connect_args: dict[str, Any] = {}
        if url.get_driver_name() in {"psycopg", "psycopg2"}:
            connect_args = {
                "application_name": "qlvb scheduler",
                "connect_timeout": 10,
                "keepalives": 1,
                "keepalives_idle": 10,
                "keepalives_interval": 5,
                "keepalives_count": 3,
            }
        self.key = key
        self._engine = sa.create_engine(
            url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT", connect_args=connect_args
        )
        self._conn: sa.Connection | None = None
        self._last_error: str | None = None

    def try_acquire(self) -> bool:
        if self._conn is not None:
            return self.still_leader()
        try:
            conn = self._engine.connect()
        except sa.exc.SQLAlchemyError as exc:
            self._report(exc)
            return False
        try:
            acquired = conn.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar()
        except sa.exc.SQLAlchemyError as exc:
            self._report(exc)
            acquired = False
        if not acquired:
            conn.close()
            return False
        self._conn, self._last_error = conn, None
        return True

    def still_leader(self) -> bool:
        # Asks pg_locks rather than running a bare SELECT 1: SQLAlchemy may transparently reconnect an
        # invalidated connection, and a fresh session holds no lock.
        if self._conn is None:
            return False
        try:
            held = self._conn.execute(
                sa.text(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND pid = pg_backend_pid() AND classid = CAST(:hi AS oid) AND objid = CAST(:lo AS oid)"
                    " AND objsubid = 1)"
                ),
                {"hi": (self.key >> 32) & 0xFFFFFFFF, "lo": self.key & 0xFFFFFFFF},
            ).scalar()
        except sa.exc.SQLAlchemyError as exc:
            self._report(exc)
            held = False
        if not held:
            self._drop()
        return bool(held)

    def release(self) -> None:
        if self._conn is None:
            return
        with contextlib.suppress(sa.exc.SQLAlchemyError):  # if the session is gone, the lock went with it
            self._conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        self._drop()

    def dispose(self) -> None:
        self.release()
        self._engine.dispose()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()  # NullPool: this ends the session, which frees the lock if it was still held
            except sa.exc.SQLAlchemyError:
                log.debug("closing the scheduler lock connection failed", exc_info=True)

    def _report(self, exc: Exception) -> None:
        # A follower retries every few seconds during an outage: log each distinct error once.
        message = str(getattr(exc, "orig", exc)).strip()
        if message != self._last_error:
            log.warning("scheduler leader election: database unavailable: %s", message)
            self._last_error = message


class FileLeaderElection:
    """Leadership = an exclusive, non-blocking `flock` on a lock file (SQLite deployments, one machine).

    flock rather than fcntl/lockf: the lock belongs to the open file, so two electors exclude each other even in
    one process, and the kernel releases it when the process dies, however it dies. The file is never deleted
    (unlinking a locked file lets a second process lock a new one); if someone deletes or replaces it anyway,
    `still_leader` notices and steps down.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return self.still_leader()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # who leads, for an operator looking at the file
        self._fd = fd
        return True

    def still_leader(self) -> bool:
        if self._fd is None:
            return False
        try:
            ours, there = os.fstat(self._fd), os.stat(self.path)
            same = (ours.st_dev, ours.st_ino) == (there.st_dev, there.st_ino)
        except OSError:
            same = False
        if not same:
            log.warning("scheduler lock file %s was removed or replaced", self.path)
            self.release()
        return same

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            # Explicit unlock: forked gunicorn workers share this open file, so closing alone would not free it.
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def dispose(self) -> None:
        self.release()


def leader_election_for(app: Flask) -> PostgresLeaderElection | FileLeaderElection:
    """The election that fits the app's database; on SQLite the lock file sits next to the database file."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    backend = url.get_backend_name()
    if backend == "postgresql":
        return PostgresLeaderElection(url)
    if backend == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            return FileLeaderElection(Path(database).with_name(Path(database).name + ".scheduler.lock"))
        return FileLeaderElection(Path(app.instance_path) / "scheduler.lock")
    raise RuntimeError(f"the scheduler cannot elect a leader on {backend}: use PostgreSQL or SQLite")


# --- the scheduler ----------------------------------------------------------------------------------------


class Scheduler:
    """Follow until elected, lead (APScheduler runs the jobs) until the lock is lost or `stop()` is called.

    Jobs run in APScheduler's thread pool with max_instances=1 and coalesce: a job still running when its next
    turn comes is not started again, and turns missed while the process was busy collapse into one.
    """

    def __init__(
        self,
        app: Flask,
        jobs: list[Job],
        election: LeaderElection,
        poll_seconds: float = 5,
        say: Callable[[str], Any] = log.info,
    ) -> None:
        self.app = app
        self.jobs = jobs
        self.election = election
        self.poll_seconds = poll_seconds
        self.say = say
        self._stop = threading.Event()
        self._aps: BackgroundScheduler | None = None

    @property
    def is_leader(self) -> bool:
        return self._aps is not None

    def run(self) -> None:
        """Block until `stop()`: poll for leadership, lead, go back to following if the lock is lost."""
        told_waiting = False
        try:
            while not self._stop.is_set():
                if self._aps is None:
                    if self.election.try_acquire():
                        self._lead()
                        told_waiting = False
                    elif not told_waiting:
                        self.say(
                            "Đang chờ quyền điều phối… (một tiến trình khác đang điều phối; "
                            f"kiểm tra lại mỗi {self.poll_seconds:g} giây)"
                        )
                        told_waiting = True
                elif not self.election.still_leader():
                    self.say("Mất quyền điều phối (mất kết nối giữ khóa): dừng các việc định kỳ, quay lại chờ.")
                    self._step_down()
                self._stop.wait(self.poll_seconds)
        finally:
            was_leader = self.is_leader
            self._step_down()
            self.election.release()
            self.say("Bộ lập lịch đã dừng" + (", đã trả quyền điều phối." if was_leader else "."))

    def stop(self) -> None:
        """Ask `run()` to return; safe from a signal handler or another thread."""
        self._stop.set()

    def run_once(self) -> dict[str, bool] | None:
        """Run every job once, now, in this thread, if leadership can be had; None when another process leads."""
        if not self.election.try_acquire():
            self.say(
                "Không nhận được quyền điều phối (một tiến trình khác đang điều phối, hoặc không kết nối được "
                "cơ sở dữ liệu): không chạy việc nào."
            )
            return None
        try:
            self.say(f"Đã nhận quyền điều phối (leader): chạy {len(self.jobs)} việc định kỳ một lần.")
            return {job.id: run_job(self.app, job) for job in self.jobs}
        finally:
            self.election.release()

    def _lead(self) -> None:
        self.say(f"Đã nhận quyền điều phối (leader): chạy {len(self.jobs)} việc định kỳ.")
        if not log.isEnabledFor(logging.DEBUG):
            # APScheduler logs every run at INFO ("Running job…"); keep its warnings (skipped runs) and errors.
            logging.getLogger("apscheduler").setLevel(logging.WARNING)
        aps = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=max(1, len(self.jobs)))},
            job_defaults={"max_instances": 1, "coalesce": True},
        )
        now = datetime.now(UTC)
        for job in self.jobs:
            aps.add_job(
                run_job,
                IntervalTrigger(seconds=job.seconds, timezone=UTC),
                args=(self.app, job),
                id=job.id,
                name=job.description,
                # Late by less than one period (a busy or suspended process): still run, once.
                misfire_grace_time=job.seconds,
                next_run_time=now,  # a new leader catches up at once instead of after a full period
            )
        self._aps = aps  # before start(): the first runs begin at once, and they run as leader
        aps.start()

    def _step_down(self) -> None:
        aps, self._aps = self._aps, None
        if aps is not None and aps.running:
            aps.shutdown(wait=True)  # let running jobs finish their unit of work; start nothing new


def scheduler_for(app: Flask, say: Callable[[str], Any] = log.info) -> Scheduler:
    """The scheduler of this app: the declared jobs, the election of its database, the configured poll period."""
    return Scheduler(
        app,
        load_jobs(),
        leader_election_for(app),
        poll_seconds=app.config.get("SCHEDULER_POLL_SECONDS", 5),
        say=say,
    )


def _stop_when_orphaned(scheduler: "Scheduler", parent_pid: int) -> None:
    """Stop the scheduler once the process that started it (the gunicorn master) is gone."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            if scheduler._stop.wait(1):
                return
        scheduler.stop()

    threading.Thread(target=watch, name="qlvb-parent-watch", daemon=True).start()


# --- `qlvb scheduler` -------------------------------------------------------------------------------------


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Chạy mỗi việc định kỳ một lần (nếu nhận được quyền điều phối) rồi thoát.")
@click.option("--list", "list_jobs", is_flag=True, help="Liệt kê các việc định kỳ rồi thoát.")
@click.option("--parent-pid", type=int, hidden=True, help="Dừng khi tiến trình này kết thúc (dùng bởi `qlvb serve`).")
@with_appcontext
def scheduler_command(once: bool, list_jobs: bool, parent_pid: int | None) -> None:
    """Chạy bộ lập lịch (hẹn giờ quy trình, nhắc hạn, gửi lại…); nhiều bản chạy cùng lúc thì chỉ một bản điều phối."""
    app = current_app._get_current_object()
    scheduler = scheduler_for(app, say=click.echo)
    if not list_jobs:
        from app.core.schema import require_migrated_database

        require_migrated_database()
        from app.core.instance_lock import hold_for_command

        hold_for_command(app.instance_path)  # `qlvb restore` refuses while this runs
    if list_jobs:
        if not scheduler.jobs:
            click.echo("Chưa có việc định kỳ nào được khai báo.")
        for job in scheduler.jobs:
            click.echo(f"{job.id:<40} mỗi {job.seconds:>5} giây   {job.description}")
        return
    if once:
        results = scheduler.run_once()
        for job_id, ok in (results or {}).items():
            click.echo(f"  {'xong' if ok else 'LỖI'}  {job_id}")
        if results and not all(results.values()):
            raise SystemExit(1)
        return

    run_until_stopped(scheduler, parent_pid=parent_pid, say=click.echo)


def run_until_stopped(scheduler: "Scheduler", *, parent_pid: int | None, say: Callable[[str], None]) -> None:
    """Run the scheduler until SIGINT/SIGTERM (or, with `parent_pid`, until that process is gone)."""
    say(f"Bộ lập lịch qlvb: {len(scheduler.jobs)} việc định kỳ. Ctrl-C để dừng.")

    first_signal: list[float] = []

    def handler(signum, _frame) -> None:
        # Stop cleanly: running jobs finish their unit of work, the lock is released. A second Ctrl-C while
        # waiting for them interrupts at once (the lock then goes with the process); "second" means a second
        # later, because `timeout`, shells and supervisors often deliver one stop signal twice.
        if signum == signal.SIGINT and first_signal and time.monotonic() - first_signal[0] > 1:
            click.echo("Dừng ngay, không chờ các việc đang chạy.", err=True)
            os._exit(130)  # an exception would still wait for the job threads at interpreter exit
        first_signal.append(time.monotonic())
        scheduler.stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    if parent_pid:
        _stop_when_orphaned(scheduler, parent_pid)
    try:
        scheduler.run()
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)

"""The declaration of a periodic job, so any module can list its jobs without importing the scheduler.

A module that has periodic work exposes `JOBS: list[Job]` in its own `jobs.py` and names that file in its
declaration (`Module(jobs=...)`, app.core.modules); `app/scheduler.py` collects them and runs them on the elected
leader only. Keeping the dataclass here, in core, means
`app.workflow.jobs` or `app.escalation.jobs` declare jobs without depending on APScheduler (only
`app/scheduler.py` imports it).

What the scheduler guarantees around `func`: it runs inside a Flask app context, with the audit origin set to
the scheduler, never twice at the same time, and an exception is logged instead of stopping the scheduler.
What it does not do: open a transaction. A job is an orchestrator that selects what is due (an indexed
query, never a scan of everything waiting) and gives each item its own `unit_of_work`, so one bad item
rolls back alone and a rerun is harmless (jobs are idempotent).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Job:
    """A function the scheduler calls every `seconds` seconds.

    `id` is stable (it names the job in logs and `qlvb scheduler --list`); use the job's verb phrase,
    e.g. "workflow.fire_due_timers". `func` takes no arguments: it reads what is due from the database.
    """

    id: str
    func: Callable[[], Any]
    seconds: int
    description: str

    def __post_init__(self) -> None:
        if not self.id or not self.id.strip():
            raise ValueError("a job needs an id")
        if not callable(self.func):
            raise TypeError(f"job {self.id!r}: func must be callable")
        if not isinstance(self.seconds, int) or self.seconds <= 0:
            raise ValueError(f"job {self.id!r}: seconds must be a positive integer, not {self.seconds!r}")

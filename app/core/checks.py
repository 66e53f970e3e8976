"""Consistency rules over committed data: what `qlvb check` (app.maintenance) reports, what the crash test asserts.

Each module owns its rules and declares them (`Module(checks=("mod:CHECKS",))`, a list of functions returning
`Inconsistency` items): numbering in documents, instances and human tasks in workflow, a document and its case in
incoming and outgoing, the chain in audit, the blobs in the shell. A rule reads only what is committed and writes
nothing, so it runs on a live deployment.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Inconsistency:
    """One broken rule: which rule (a stable code), which object, and what is wrong (Vietnamese, for operators)."""

    rule: str  # "numbering.gap", "workflow.tasks" …
    subject: str  # "register 3, 2026", "workflow_instance 12"
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.subject}: {self.message}"

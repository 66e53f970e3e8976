"""A document kind's statuses and the moves between them, declared once per kind (invenio-requests' actions).

Each kind writes its table in its own `states.py`: for every status, the statuses a document may come from. Who may
make a move is the kind's permissions.py; what a move emits (the status message to the sender, the audit event) is
the step's use case. Every status change of a document goes through `move`, so none is made from a status the
table does not allow, whatever a process designer's BPMN asks.
"""

from collections.abc import Iterable, Mapping
from enum import StrEnum

from app.core.errors import Conflict


class StateMachine:
    def __init__(self, kind: str, label: str, moves: Mapping[StrEnum, Iterable[StrEnum]]) -> None:
        self.kind, self.label = kind, label  # "incoming", "văn bản đến"
        self.sources = {target: frozenset(sources) for target, sources in moves.items()}

    def allows(self, current: str, target: StrEnum) -> bool:
        return current in self.sources.get(target, frozenset())

    def move(self, document, target: StrEnum) -> str:
        """Set `document.status` to `target` when the table allows it from where it is; return the previous one."""
        previous = document.status
        if not self.allows(previous, target):
            raise Conflict(
                f"Không chuyển được {self.label} từ trạng thái “{previous}” sang “{target.value}”.",
                code=f"{self.kind}_invalid_transition",
            )
        document.status = target
        return previous

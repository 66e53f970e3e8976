"""The statuses of file plans, dossiers, transfers and destructions, and the one table of allowed moves.

Every service that changes a dossier's status asks `require_move` (and pages ask `can_move` to show a button), so
the lifecycle lives here only: open → closed (Điều 29.4) → submitted (nộp lưu, Điều 30) → archived (accepted by
the Lưu trữ cơ quan) → destroyed (seed 000 Điều 25). A closed dossier may be reopened by its creator; a submitted
one the archivist returns goes back to `returned` (the creator fixes it, then submits again or reopens it).
"""

from enum import StrEnum

from app.core.errors import Conflict
from app.core.signals import signals

# Sent after a dossier changed status (sender: the dossier; `action`, `actor`), in the same unit of work: the dossier's
# case (processes/dossier.bpmn) follows the dossier, notifications go out.
dossier_moved = signals.signal("dossier-moved")


class PlanStatus(StrEnum):
    DRAFT = "draft"  # being prepared by the office (văn phòng)
    APPROVED = "approved"  # issued by the head (NĐ 30 Điều 28): dossiers open from its entries


PLAN_STATUS_LABELS = {PlanStatus.DRAFT: "Dự thảo", PlanStatus.APPROVED: "Đã ban hành"}


class DossierStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ARCHIVED = "archived"
    DESTROYED = "destroyed"


DOSSIER_STATUS_LABELS = {
    DossierStatus.OPEN: "Đang lập",
    DossierStatus.CLOSED: "Đã kết thúc",
    DossierStatus.SUBMITTED: "Chờ lưu trữ tiếp nhận",
    DossierStatus.RETURNED: "Lưu trữ trả lại",
    DossierStatus.ARCHIVED: "Lưu trữ cơ quan",
    DossierStatus.DESTROYED: "Đã hủy",
}

# action → (statuses it starts from, status it leads to)
MOVES: dict[str, tuple[frozenset[DossierStatus], DossierStatus]] = {
    "close": (frozenset({DossierStatus.OPEN}), DossierStatus.CLOSED),
    "reopen": (frozenset({DossierStatus.CLOSED, DossierStatus.RETURNED}), DossierStatus.OPEN),
    "submit": (frozenset({DossierStatus.CLOSED, DossierStatus.RETURNED}), DossierStatus.SUBMITTED),
    "accept": (frozenset({DossierStatus.SUBMITTED}), DossierStatus.ARCHIVED),
    "return": (frozenset({DossierStatus.SUBMITTED}), DossierStatus.RETURNED),
    "destroy": (frozenset({DossierStatus.ARCHIVED}), DossierStatus.DESTROYED),
}

MOVE_REFUSALS = {
    "close": "Chỉ kết thúc được hồ sơ đang lập.",
    "reopen": "Chỉ mở lại được hồ sơ đã kết thúc hoặc bị lưu trữ trả lại.",
    "submit": "Chỉ nộp lưu được hồ sơ đã kết thúc.",
    "accept": "Chỉ tiếp nhận được hồ sơ đang chờ lưu trữ tiếp nhận.",
    "return": "Chỉ trả lại được hồ sơ đang chờ lưu trữ tiếp nhận.",
    "destroy": "Chỉ hủy được hồ sơ đã vào Lưu trữ cơ quan.",
}

# Where the dossier's content may still change (filing, removing items, editing its description).
EDITABLE = frozenset({DossierStatus.OPEN})
# Archival records are read-only (Điều 30.3.b: "đưa hồ sơ về chế độ quản lý hồ sơ lưu trữ điện tử").
READ_ONLY = frozenset({DossierStatus.SUBMITTED, DossierStatus.ARCHIVED, DossierStatus.DESTROYED})


def can_move(status: str, action: str) -> bool:
    return status in MOVES[action][0]


def require_move(dossier, action: str) -> DossierStatus:
    """The status `action` leads the dossier to; refused (409, code `dossier_status`) from any other status."""
    sources, target = MOVES[action]
    if dossier.status not in sources:
        raise Conflict(
            MOVE_REFUSALS[action] + f" Hồ sơ đang ở trạng thái “{DOSSIER_STATUS_LABELS[dossier.status]}”.",
            code="dossier_status",
        )
    return target


def move(dossier, action: str, actor) -> DossierStatus:
    """Change the dossier's status by `action` (refused from a wrong status) and announce it: the one way every
    service changes a dossier's status."""
    target = require_move(dossier, action)
    dossier.status = target
    dossier.version = (dossier.version or 0) + 1
    dossier_moved.send(dossier, action=action, actor=actor)
    return target


class TransferStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the archivist
    DONE = "done"  # every dossier decided (accepted or returned)


TRANSFER_STATUS_LABELS = {TransferStatus.SUBMITTED: "Chờ tiếp nhận", TransferStatus.DONE: "Đã xử lý"}


class DestructionStatus(StrEnum):
    DRAFT = "draft"  # the archivist's list being prepared
    PROPOSED = "proposed"  # sent to the head with the council's opinion
    APPROVED = "approved"  # the head decided: may be executed
    REJECTED = "rejected"
    EXECUTED = "executed"  # content destroyed; the record is permanent
    DISCARDED = "discarded"  # dropped while being prepared: kept (its id never names another list), frees its dossiers


DESTRUCTION_STATUS_LABELS = {
    DestructionStatus.DRAFT: "Đang lập danh mục",
    DestructionStatus.PROPOSED: "Chờ phê duyệt",
    DestructionStatus.APPROVED: "Đã phê duyệt hủy",
    DestructionStatus.REJECTED: "Không phê duyệt",
    DestructionStatus.EXECUTED: "Đã hủy",
    DestructionStatus.DISCARDED: "Đã bỏ (không trình)",
}

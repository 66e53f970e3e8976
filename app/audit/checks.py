"""The audit chain's consistency rule (`qlvb check`): the chain verifies, head and checkpoint included."""

from app.audit.services import verify_chain
from app.core.checks import Inconsistency


def chain_intact() -> list[Inconsistency]:
    result = verify_chain()
    if result.ok:
        return []
    return [Inconsistency("audit.chain", f"audit_event {result.broken_seq}", result.reason or "chuỗi nhật ký hỏng")]


CHECKS = [chain_intact]

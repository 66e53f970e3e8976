"""Which documents answer an incoming one (văn bản trả lời): asked by the incoming page and its follow-up book.

NĐ 30/2020 Phụ lục IV mục VIII column (6) "Số, ký hiệu văn bản trả lời". The answering documents belong to a module
above incoming (outgoing), so incoming asks through a signal and never imports it; app.outgoing answers.
"""

from dataclasses import dataclass
from datetime import date

from app.core.signals import signals

# Sent with the incoming ids (list[int], as the sender) and user (the person looking, or None for the printed
# book: issued replies only). Each receiver returns a list of Reply.
replies_requested = signals.signal("replies-requested")


@dataclass(frozen=True)
class Reply:
    incoming_id: int
    document_id: int
    endpoint: str  # the answering document's page: url_for(endpoint, document_id=…)
    symbol: str | None  # None while it is a draft
    subject: str
    issued_date: date | None


def replies_to(incoming_ids: list[int], user=None) -> dict[int, list[Reply]]:
    """The replies to each incoming document: those `user` may see, or (user None) the issued ones."""
    found: dict[int, list[Reply]] = {}
    if not incoming_ids:
        return found
    for _receiver, answer in replies_requested.send(incoming_ids, user=user):
        for reply in answer or []:
            found.setdefault(reply.incoming_id, []).append(reply)
    return found

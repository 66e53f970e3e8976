"""Replies the agency asked for: which recipients of its outgoing documents owe an answer, by when, and who is late.

Seed 001 QĐ 278 Điều 7.2–4: an outgoing document that asks for a reply records the reply date (`reply_requested`,
`reply_due`); the drafter and the leaders follow the answers and chase the late ones. The date travels to each
recipient in the deployment as its incoming document's DueDate (field 18, app.outgoing.dispatch), where it is the
default handling deadline; a reply is the recipient's outgoing document answering that incoming one (`reply_to_id`,
app.documents.replies), counted once issued. Recipients outside the deployment answer on paper or by package: their
row stays open until someone looks (no automatic match).
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from app.core import clock
from app.core.db import db
from app.incoming.models import IncomingDocument
from app.org.models import User
from app.outgoing import permissions
from app.outgoing.models import OutgoingDocument, OutgoingRecipient, OutgoingStatus, RecipientKind

LIMIT = 200
ANSWERED_STATES = (OutgoingStatus.ISSUED, OutgoingStatus.RECALLED)


class ReplyState(StrEnum):
    DUE = "due"  # not answered, the date not passed (or no date)
    OVERDUE = "overdue"  # not answered, the date passed
    ANSWERED = "answered"


STATE_LABELS = {ReplyState.DUE: "Chờ trả lời", ReplyState.OVERDUE: "Quá hạn trả lời", ReplyState.ANSWERED: "Đã trả lời"}


@dataclass
class ReplyDue:
    document: OutgoingDocument
    recipient: OutgoingRecipient
    state: ReplyState
    replies: list[dict] = field(default_factory=list)  # {symbol, subject, issued_date, incoming_id}

    @property
    def due(self) -> date | None:
        return self.document.reply_due

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def _answered():
    """An issued answer to the incoming document our dispatch created at the recipient (one message id, one agency).

    One EXISTS directly under the list's query, so it correlates with each recipient row."""
    answer = aliased(OutgoingDocument)
    return (
        sa.select(answer.id)
        .join(IncomingDocument, answer.reply_to_id == IncomingDocument.id)
        .where(
            IncomingDocument.agency_id == OutgoingRecipient.agency_id,
            IncomingDocument.message_id == OutgoingRecipient.message_id,
            answer.status.in_(ANSWERED_STATES),
        )
        .exists()
    )


def _query(columns: tuple, user: User, state: ReplyState | str | None) -> sa.Select:
    """The recipients owing a reply of the documents `user` may see, in `state`: one rule for the list and its count."""
    today = clock.to_local(clock.now()).date()
    query = (
        sa.select(*columns)
        .join(OutgoingDocument, OutgoingRecipient.document_id == OutgoingDocument.id)
        .where(
            permissions.visible_filter(user),
            OutgoingDocument.agency_id == user.agency_id,
            OutgoingDocument.reply_requested.is_(True),
            OutgoingDocument.status == OutgoingStatus.ISSUED,
            OutgoingRecipient.kind.in_([RecipientKind.AGENCY, RecipientKind.EXTERNAL]),
        )
    )
    answered = _answered()
    late = sa.and_(OutgoingDocument.reply_due.is_not(None), OutgoingDocument.reply_due < today)
    if state:
        state = ReplyState(state)
        if state == ReplyState.ANSWERED:
            query = query.where(answered)
        elif state == ReplyState.OVERDUE:
            query = query.where(~answered, late)
        else:
            query = query.where(~answered, sa.not_(late))
    return query


def count_query(user: User, state: ReplyState | str | None = None, *, cap: int = LIMIT):
    """How many rows `replies_due` lists in `state`, counted up to `cap` (the page shows at most LIMIT): a scalar
    subquery, so that a page's figures run as one statement (app.core.home.fetch_counts)."""
    capped = _query((OutgoingRecipient.id,), user, state).limit(cap).subquery()
    return sa.select(sa.func.count()).select_from(capped).scalar_subquery()


def replies_due(user: User, state: ReplyState | str | None = None, *, limit: int = LIMIT) -> list[ReplyDue]:
    """Each recipient of the issued documents `user` may see that asked for a reply, soonest date first.

    `state`: only the answered, the still due, or the overdue ones (compared with today, local time).
    """
    today = clock.to_local(clock.now()).date()
    query = (
        _query((OutgoingRecipient, OutgoingDocument), user, state)
        .order_by(
            OutgoingDocument.reply_due.is_(None), OutgoingDocument.reply_due, OutgoingDocument.id, OutgoingRecipient.id
        )
        .options(selectinload(OutgoingDocument.recipients))
    )
    rows = db.session.execute(query.limit(limit)).all()
    found = _replies_of([recipient for recipient, _doc in rows], user.agency_id)
    result = []
    for recipient, document in rows:
        replies = found.get(recipient.id, [])
        if replies:
            row_state = ReplyState.ANSWERED
        elif document.reply_due is not None and document.reply_due < today:
            row_state = ReplyState.OVERDUE
        else:
            row_state = ReplyState.DUE
        result.append(ReplyDue(document, recipient, row_state, replies))
    return result


def _replies_of(recipients: list[OutgoingRecipient], agency_id: int) -> dict[int, list[dict]]:
    """recipient id → the issued answers of the recipient agency, with our copy of each (as an incoming document,
    when the answer was sent back to us through the deployment)."""
    keyed = {(r.agency_id, r.message_id): r.id for r in recipients if r.agency_id and r.message_id}
    if not keyed:
        return {}
    received = db.session.execute(
        sa.select(IncomingDocument.id, IncomingDocument.agency_id, IncomingDocument.message_id).where(
            sa.tuple_(IncomingDocument.agency_id, IncomingDocument.message_id).in_(list(keyed))
        )
    ).all()
    recipient_of = {row.id: keyed[(row.agency_id, row.message_id)] for row in received}
    if not recipient_of:
        return {}
    answers = db.session.scalars(
        sa.select(OutgoingDocument)
        .where(OutgoingDocument.reply_to_id.in_(list(recipient_of)), OutgoingDocument.status.in_(ANSWERED_STATES))
        .order_by(OutgoingDocument.issued_at, OutgoingDocument.id)
        .options(selectinload(OutgoingDocument.recipients))
    ).all()
    found: dict[int, list[dict]] = {}
    for answer in answers:
        back = [r.message_id for r in answer.recipients if r.agency_id == agency_id and r.message_id]
        copy = None
        if back:
            copy = db.session.scalar(
                sa.select(IncomingDocument.id).where(
                    IncomingDocument.agency_id == agency_id, IncomingDocument.message_id.in_(back)
                )
            )
        found.setdefault(recipient_of[answer.reply_to_id], []).append(
            {
                "document_id": answer.id,
                "symbol": answer.symbol,
                "subject": answer.subject,
                "issued_date": answer.issued_date,
                "incoming_id": copy,
            }
        )
    return found

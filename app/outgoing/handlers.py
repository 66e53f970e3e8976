"""Signal receivers: statuses recorded by a receiving agency of this deployment flow back to the sender.

NĐ 30/2020 Điều 4.2.d (văn bản phải được theo dõi, cập nhật trạng thái gửi, nhận, xử lý) and Điều 21.2.c. When an
agency records a status (01 arrived, 02 refused + reason, 03 accepted, 04 assigned, 05 handling, 06 completed,
15/16 recall answers) for an incoming document that one of our outgoing recipients delivered (same message id),
the recipient row takes the latest status and the history keeps a copy addressed to the recipient row. A status
another system sends through the connector (`status_arrived`) is recorded the same way (`apply_status`) on the
external recipient it answers, and the connector's outbox reports each package's delivery (`outbox_settled`,
app.outgoing.connector). The exchange module stays below: it only announces (app.core.signals, app.exchange.delivery).
"""

import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.core.signals import status_recorded
from app.documents.replies import replies_requested
from app.exchange.delivery import outbox_settled, status_arrived
from app.exchange.models import STATUS_LABELS as EXCHANGE_LABELS
from app.exchange.models import StatusCode, StatusMessage, reason_of
from app.exchange.services import record_status
from app.outgoing.connector import delivery_settled, recipient_for_status
from app.outgoing.models import OutgoingRecipient
from app.outgoing.queries import replies_to

HISTORY_TYPE = "outgoing_recipient"
# The answers of the recipient's clerk (see track_recipient_status): everything after the automatic 01.
ACKNOWLEDGING = frozenset(
    {StatusCode.REFUSED, StatusCode.ACCEPTED, StatusCode.ASSIGNED, StatusCode.HANDLING, StatusCode.COMPLETED}
)


def track_recipient_status(message: StatusMessage, **_extra) -> None:
    if message.object_type != "incoming":
        return
    from app.incoming.models import IncomingDocument

    incoming = db.session.get(IncomingDocument, int(message.object_id))
    if incoming is None or not incoming.message_id:
        return  # a paper document, or one that came from outside the deployment
    recipient = db.session.scalar(
        sa.select(OutgoingRecipient).where(
            OutgoingRecipient.message_id == incoming.message_id,
            OutgoingRecipient.agency_id == message.from_agency_id,
        )
    )
    if recipient is None:
        return
    message.delivered_at = clock.now()  # delivered inside the deployment: nothing left to send
    apply_status(
        recipient,
        from_agency_id=message.from_agency_id,
        to_organ_id=message.to_organ_id,
        to_organ_name=message.to_organ_name,
        document_key=message.document_key,
        code=message.code,
        description=message.description,
        staff_name=message.staff_name,
        staff_unit=message.staff_unit,
    )


def apply_status(
    recipient: OutgoingRecipient,
    *,
    from_agency_id: int,
    to_organ_id: str | None,
    to_organ_name: str,
    document_key: str | None,
    code: str,
    description: str,
    staff_name: str | None,
    staff_unit: str | None,
) -> None:
    """The recipient takes the latest status, and its history a copy — whether the status came from an agency of
    this deployment or from another system through the connector."""
    now = clock.now()
    copy = record_status(
        from_agency_id=from_agency_id,
        to_organ_id=to_organ_id,
        to_organ_name=to_organ_name,
        document_key=document_key,
        object_type=HISTORY_TYPE,
        object_id=recipient.id,
        code=StatusCode(code),
        description=description,
    )
    copy.staff_name, copy.staff_unit, copy.delivered_at = staff_name, staff_unit, now
    recipient.status_code, recipient.status_note, recipient.status_at = code, copy.description, now
    # Acknowledged = the recipient's clerk answered (02 refused, 03 accepted, or a later step), not 01 "Đã đến",
    # which the receiving software sends by itself on arrival (legal.md §4.5: "đã nhận nhưng văn thư chưa xử lý").
    # Seed 004 Điều 16.8 follows up what is "chưa được tiếp nhận" after 3 working days (app.reports.exchange).
    if code in ACKNOWLEDGING:
        recipient.acknowledged_at = recipient.acknowledged_at or now
    db.session.flush()
    if code in TOLD:  # a refusal someone at the sender must follow up
        _tell_sender(recipient, code, reason_of(code, copy.description) or "")


# The answers that need the sender to act: the document sent back (02: resend, correct, or send elsewhere) and a
# recall refused (16: the recipient keeps what was recalled).
TOLD = {
    StatusCode.REFUSED: ("outgoing_refused", "trả lại văn bản"),
    StatusCode.RECALL_REFUSED: ("outgoing_recall_refused", "từ chối thu hồi văn bản"),
}


def _tell_sender(recipient: OutgoingRecipient, code: str, reason: str) -> None:
    """The drafter and the sending agency's văn thư (who follow the recipients' statuses, NĐ 30/2020 Điều 4.2.d)."""
    from app.notifications.services import notify  # notifications sit above the document modules
    from app.org.models import Role, User
    from app.org.queries import holders_select
    from app.outgoing.services import label_of

    document = recipient.document
    clerks = set(db.session.scalars(holders_select(User.id, agency_ids=[document.agency_id], roles=[Role.CLERK])))
    kind, what = TOLD[StatusCode(code)]
    notify(
        clerks | ({document.drafter_id} if document.drafter_id else set()),
        kind=kind,
        title=f"{recipient.name} {what} {label_of(document)}"[:300],
        body=reason,
        url=f"/outgoing/{document.id}",
        object_type="outgoing",
        object_id=document.id,
    )


def track_peer_status(data, *, agency_id: int | None = None, **_extra) -> bool:
    """A status from another system (app.exchange.connector) answering a document we sent to one of its agencies:
    01–06, 15, 16 on the external recipient (13 is app.incoming's)."""
    if data.code == StatusCode.RECALL_REQUESTED:
        return False
    recipient = recipient_for_status(data, agency_id)
    if recipient is None:
        return False
    document = recipient.document
    apply_status(
        recipient,
        from_agency_id=document.agency_id,
        to_organ_id=data.response_for_code,
        to_organ_name=document.organ_name or recipient.name,
        document_key=data.response_for_key,
        code=data.code,
        description=data.description or EXCHANGE_LABELS.get(data.code, data.code),
        staff_name=data.staff_name,
        staff_unit=data.staff_unit,
    )
    return True


RECEIVERS = [
    (status_recorded, track_recipient_status),
    (replies_requested, replies_to),
    (outbox_settled, delivery_settled),
    (status_arrived, track_peer_status),
]  # app.outgoing.MODULE

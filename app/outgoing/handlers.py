"""Signal receivers: statuses recorded by a receiving agency of this deployment flow back to the sender.

NĐ 30/2020 Điều 4.2.d (văn bản phải được theo dõi, cập nhật trạng thái gửi, nhận, xử lý) and Điều 21.2.c. When an
agency records a status (01 arrived, 02 refused + reason, 03 accepted, 04 assigned, 05 handling, 06 completed,
15/16 recall answers) for an incoming document that one of our outgoing recipients delivered (same message id),
the recipient row takes the latest status and the history keeps a copy addressed to the recipient row. The
exchange module stays below: it only announces the message (app.core.signals.status_recorded).
"""

import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.core.signals import status_recorded
from app.documents.replies import replies_requested
from app.exchange.models import StatusCode, StatusMessage
from app.exchange.services import record_status
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
    now = clock.now()
    copy = record_status(
        from_agency_id=message.from_agency_id,
        to_organ_id=message.to_organ_id,
        to_organ_name=message.to_organ_name,
        document_key=message.document_key,
        object_type=HISTORY_TYPE,
        object_id=recipient.id,
        code=StatusCode(message.code),
        description=message.description,
    )
    copy.staff_name, copy.staff_unit, copy.delivered_at = message.staff_name, message.staff_unit, now
    message.delivered_at = now  # delivered inside the deployment: nothing left to send
    recipient.status_code, recipient.status_note, recipient.status_at = message.code, message.description, now
    # Acknowledged = the recipient's clerk answered (02 refused, 03 accepted, or a later step), not 01 "Đã đến",
    # which the receiving software sends by itself on arrival (legal.md §4.5: "đã nhận nhưng văn thư chưa xử lý").
    # Seed 004 Điều 16.8 follows up what is "chưa được tiếp nhận" after 3 working days (app.reports.exchange).
    if message.code in ACKNOWLEDGING:
        recipient.acknowledged_at = recipient.acknowledged_at or now
    db.session.flush()


RECEIVERS = [(status_recorded, track_recipient_status), (replies_requested, replies_to)]  # app.outgoing.MODULE

"""What app.exchange answers itself: status messages owed to an agency another deployment serves go out through
the connector's outbox, and a sent one is marked delivered.

A status recorded for an incoming document (app.exchange.services.record_status, from app.incoming: 01 on arrival,
02–06 as the clerk and handlers go on, 15/16 answering a recall) whose sender's code a peer reaches
(directory.peer_route) becomes a signed status edXML queued in the same transaction (legal.md §4.5). Statuses to
agencies of this deployment are delivered by app.outgoing's receiver instead; to agencies no peer reaches, not at
all (their clerk exchanges package files).
"""

from app.core import clock
from app.core.db import db
from app.core.signals import status_recorded
from app.exchange.delivery import outbox_settled
from app.exchange.directory import peer_route
from app.exchange.edxml import build_status
from app.exchange.models import OutboxState, StatusMessage
from app.exchange.outbox import enqueue
from app.exchange.xmldsig import sign_package
from app.org.models import Agency

OBJECT_TYPE = "status_message"


def status_key(*, document_key: str, code: str, from_code: str, status_id: int) -> str:
    """The idempotency key of a status message (protocol qlvb-peer/1)."""
    return f"{document_key}|status{code}|{from_code}|{status_id}"


def status_package(message: StatusMessage, *, to_code: str | None = None) -> bytes:
    """The signed status edXML of a recorded status (legal.md §4.5), for the outbox or a file the clerk sends."""
    agency = db.session.get(Agency, message.from_agency_id)
    data = build_status(
        from_code=agency.code,
        from_name=agency.name,
        response_for_code=to_code or message.to_organ_id,
        response_for_key=message.document_key,
        code=message.code,
        description=message.description,
        staff_name=message.staff_name,
        staff_unit=message.staff_unit,
        timestamp=message.created_at,
    )
    return sign_package(data, agency.id)


def queue_status(message: StatusMessage, **_extra) -> None:
    if message.object_type != "incoming" or not message.to_organ_id or not message.document_key:
        return
    route = peer_route(message.to_organ_id)
    if route is None:
        return
    agency = db.session.get(Agency, message.from_agency_id)
    enqueue(
        peer_id=route.peer_id,
        agency_id=agency.id,
        to_code=route.code,
        kind="status",
        key=status_key(
            document_key=message.document_key, code=message.code, from_code=agency.code, status_id=message.id
        ),
        body=status_package(message, to_code=route.code),
        object_type=OBJECT_TYPE,
        object_id=message.id,
    )


def status_sent(message, **_extra) -> None:
    """The peer took the status message: it is delivered (the incoming page shows when)."""
    if message.object_type != OBJECT_TYPE or message.state != OutboxState.SENT:
        return
    status = db.session.get(StatusMessage, int(message.object_id))
    if status is not None and status.delivered_at is None:
        status.delivered_at = clock.now()
        db.session.flush()


RECEIVERS = [(status_recorded, queue_status), (outbox_settled, status_sent)]  # app.exchange.MODULE

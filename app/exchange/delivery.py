"""Liên thông: one path for every edXML package and recall request between agencies (design.md §7).

A package comes in from the clerk's upload, the REST API, or another agency of this deployment (and, later, the
HTTP connector to other systems): it is read and checked here (`edxml.parse_package`) and handed to the module that
registers incoming documents. A recall request (status 13) goes to the document the message delivered. Exchange
sits below incoming and outgoing: it reaches them through these signals, which app.incoming answers (its
RECEIVERS), never through an import.
"""

from app.core.signals import signals
from app.exchange.edxml import Package, parse_package

# Sent with the parsed Package, actor (a clerk, or None for the system), agency_id (the receiving agency) and
# message_id (delivered once, however often retried). The one receiver registers it and returns the document.
package_arrived = signals.signal("package-arrived")
# Sent with the message id of a delivered package, agency_id (the receiving agency) and note (the sender's
# reason). The one receiver records the request and returns True, False when that agency has no such document;
# it raises a Conflict when there is nothing to ask (already recalled, a request waiting for a decision).
recall_requested = signals.signal("recall-requested")
# Sent by the connector with the mã định danh (DocumentId) of a document the sender recalls (a BussinessDocType 1
# package), sender_code (its OrganId), agency_id (the receiving agency; None: any agency of this deployment holding
# it) and note. app.incoming answers: True when it recorded a recall request, False when there is no such document;
# a Conflict when there is nothing to ask (already recalled, a request waiting for a decision).
recall_by_key_requested = signals.signal("recall-by-key-requested")
# Sent by the connector with a parsed status message from another system (app.exchange.edxml StatusMessageData):
# codes 01–06, 15, 16 answer a document we sent (app.outgoing answers: the recipient's status and history); 13
# asks us to give back a document we received (app.incoming answers). Receivers return True when they took it.
status_arrived = signals.signal("status-arrived")
# Sent with an OutboxMessage when the connector settled it (state sent, or failed for good, or a retry is due with
# last_error): the module that queued it (object_type/object_id) shows the clerk the delivery and its reason.
outbox_settled = signals.signal("outbox-settled")


class NoReceiver(RuntimeError):
    """No module (or more than one) answers a signal that needs exactly one answer: a wiring mistake."""


def receive_package(data: bytes, *, actor, agency_id: int | None = None, message_id: str | None = None):
    """Take an edXML package in as an incoming document of the agency (the actor's when not given)."""
    package = parse_package(data)
    return _one(
        package_arrived.send(package, actor=actor, agency_id=agency_id, message_id=message_id or package.message_id)
    )


def deliver_package(data: bytes, *, agency_id: int, message_id: str):
    """Deliver a package to an agency of this deployment: the very path a package from outside takes."""
    return receive_package(data, actor=None, agency_id=agency_id, message_id=message_id)


def request_recall(*, agency_id: int, message_id: str, note: str) -> bool:
    """Ask the receiving agency to recall what `message_id` delivered; False when it has no such document."""
    return bool(_one(recall_requested.send(message_id, agency_id=agency_id, note=note)))


def request_recall_by_key(document_key: str | None, *, sender_code: str, agency_id: int | None, note: str) -> bool:
    """Ask the receiving agency to recall the document `sender_code` sent under `document_key`."""
    if not document_key:
        return False
    results = recall_by_key_requested.send(document_key, sender_code=sender_code, agency_id=agency_id, note=note)
    return bool(_one(results))


def _one(results: list):
    if len(results) != 1:
        raise NoReceiver(f"{len(results)} receivers answered; exactly one module must handle this message")
    return results[0][1]


__all__ = ["Package", "deliver_package", "receive_package", "request_recall", "request_recall_by_key"]

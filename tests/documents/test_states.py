"""Each document kind's status moves are declared once: a move the table does not allow is refused, whatever asks."""

from types import SimpleNamespace

import pytest

from app.core.errors import Conflict
from app.incoming.models import IncomingStatus
from app.incoming.states import STATES as INCOMING
from app.outgoing.models import OutgoingStatus
from app.outgoing.states import STATES as OUTGOING


def test_a_registered_document_is_not_registered_again_nor_returned():
    document = SimpleNamespace(status=IncomingStatus.RECEIVED)
    assert INCOMING.move(document, IncomingStatus.REGISTERED) == IncomingStatus.RECEIVED
    for target in (IncomingStatus.REGISTERED, IncomingStatus.RETURNED):
        with pytest.raises(Conflict) as refused:
            INCOMING.move(document, target)
        assert refused.value.code == "incoming_invalid_transition"
    assert document.status == IncomingStatus.REGISTERED


def test_only_an_issued_document_is_recalled_and_only_a_signed_one_issued():
    draft = SimpleNamespace(status=OutgoingStatus.REVIEWING)
    with pytest.raises(Conflict):
        OUTGOING.move(draft, OutgoingStatus.RECALLED)
    with pytest.raises(Conflict):
        OUTGOING.move(draft, OutgoingStatus.ISSUED)
    signed = SimpleNamespace(status=OutgoingStatus.SIGNED)
    with pytest.raises(Conflict):  # a designer's status step cannot take a signed document back to review
        OUTGOING.move(signed, OutgoingStatus.REVIEWING)
    OUTGOING.move(signed, OutgoingStatus.ISSUED)
    OUTGOING.move(signed, OutgoingStatus.RECALLED)
    assert signed.status == OutgoingStatus.RECALLED


def test_every_status_of_each_kind_is_reachable_or_the_first():
    for machine, enum, first in (
        (INCOMING, IncomingStatus, IncomingStatus.RECEIVED),
        (OUTGOING, OutgoingStatus, OutgoingStatus.DRAFT),
    ):
        assert set(machine.sources) | {first} == set(enum)

"""The statuses of văn bản đi and where each may come from (NĐ 30/2020 Điều 10–18; app.documents.states).

Before the signature a process designer's steps move the draft between opinions, review, format check, return to
the drafter and signing, in the order their BPMN sets; the personal signature makes it signed, the clerk's number
and seal issued, and only an issued document is recalled. It is cancelled before the issue (permissions.py says
who, and until when for whom).
"""

from app.documents.states import StateMachine
from app.outgoing.models import OutgoingStatus as S
from app.outgoing.permissions import BEFORE_SIGNATURE

STATES = StateMachine(
    "outgoing",
    "văn bản đi",
    {
        S.CONSULTING: BEFORE_SIGNATURE,
        S.REVIEWING: BEFORE_SIGNATURE,
        S.FORMAT_CHECK: BEFORE_SIGNATURE,
        S.RETURNED: BEFORE_SIGNATURE,
        S.SIGNING: BEFORE_SIGNATURE,
        S.SIGNED: {S.SIGNING},
        S.ISSUED: {S.SIGNED},
        S.RECALLED: {S.ISSUED},
        S.CANCELLED: {*BEFORE_SIGNATURE, S.SIGNED},
    },
)

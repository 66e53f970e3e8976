"""The statuses of văn bản đến and where each may come from (NĐ 30/2020 Điều 20–24; app.documents.states).

Arrival → the clerk's check: returned to the sender (02) or registered (03) → a leader's direction (04, again while
it is handled: a changed direction) → handling (05) → completed (06); a document completed without direction or
handling is the leader's "không cần xử lý". The sender may recall it at any point before (15).
"""

from app.documents.states import StateMachine
from app.incoming.models import IncomingStatus as S

STATES = StateMachine(
    "incoming",
    "văn bản đến",
    {
        S.RETURNED: {S.RECEIVED},
        S.REGISTERED: {S.RECEIVED},
        S.DIRECTED: {S.REGISTERED, S.DIRECTED, S.HANDLING},
        S.HANDLING: {S.DIRECTED, S.HANDLING},
        S.COMPLETED: {S.REGISTERED, S.DIRECTED, S.HANDLING},
        S.RECALLED: set(S) - {S.RECALLED},
    },
)

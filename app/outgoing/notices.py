"""What the drafter of a văn bản đi hears without looking: the draft returned, the document issued, recalled.

The drafter (seed 000 Điều 12: the specialist who prepared it answers for it) follows the document to the end; the
steps after approval are other people's, so the bell carries the news. Nobody is told of their own act.
"""

from app.outgoing.models import OutgoingDocument


def tell_drafter(document: OutgoingDocument, actor, *, kind: str, title: str, body: str = "") -> None:
    from app.notifications.services import notify  # notifications sit above the document modules

    if document.drafter_id is None or (actor is not None and actor.id == document.drafter_id):
        return
    notify(
        [document.drafter_id],
        kind=kind,
        title=title[:300],
        body=(body or "").strip()[:2000],
        url=f"/outgoing/{document.id}",
        object_type="outgoing",
        object_id=document.id,
    )

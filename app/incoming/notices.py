"""What people of a văn bản đến's handling hear without looking (the bell, and its e-mail when they chose one): one
way to tell them, so every notice about a document leads to its handling part of the page."""

from app.incoming.models import IncomingDocument


def tell(document: IncomingDocument, recipients: set[int], *, kind: str, title: str, body: str) -> None:
    from app.notifications.services import notify  # notifications sit above the document modules

    url = f"/incoming/{document.id}#xu-ly"  # a path: services run without a request too
    notify(recipients, kind=kind, title=title, body=body, url=url, object_type="incoming", object_id=document.id)

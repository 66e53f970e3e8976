"""Automatic filing at the end of a procedure (seed 000 Điều 19.2.b; NĐ 30 Phụ lục VI III.5.a).

"Hệ thống tự cập nhật vào hồ sơ: quá trình luân chuyển và thông tin chỉ đạo giải quyết văn bản đến; văn bản đi đã
phát hành, quá trình luân chuyển và thông tin trong chỉ đạo soạn thảo văn bản đi" — and the drafts, "khởi tạo dự
thảo, trình dự thảo văn bản đi trong hồ sơ (lần 1, 2, 3 …)".

When the case of a văn bản đến or đi completes (`app.workflow.runtime.case_completed`), in the same unit of work:

- the dossier is the one the handler chose on their last form ("Lưu vào hồ sơ": the lead's "Giải quyết văn bản",
  the drafter's "Chỉnh sửa dự thảo"), or else every open dossier the document was already filed in by hand;
- a chosen dossier is used only if it is of the document's agency, still open, and its creator may see the
  document; otherwise nothing is filed and the handler is told why;
- the document is filed (for a văn bản đi: the issued document and each draft, lần 1, 2, 3 …) unless already there,
  then the processing history (app.dossiers.history) as a PDF, `kind="history"`, all `auto=True`;
- nothing chosen and in no dossier: the document waits on the handler's "Văn bản chưa lập hồ sơ" (app.dossiers.
  unfiled).
"""

import logging

import sqlalchemy as sa
from flask import current_app

from app.core import clock
from app.core.db import db
from app.core.errors import DomainError
from app.dossiers import filing
from app.dossiers.models import Dossier, DossierItem
from app.dossiers.states import DOSSIER_STATUS_LABELS, EDITABLE, DossierStatus
from app.notifications.services import notify
from app.org.models import User
from app.workflow.models import HumanTask, TaskState
from app.workflow.registry import EngineExtension
from app.workflow.runtime import case_completed

log = logging.getLogger(__name__)

engine = EngineExtension()  # declared in app.dossiers.MODULE
CHOICE_FIELD = "dossier_id"  # the "Lưu vào hồ sơ" field of forms/incoming/handle_document, forms/outgoing/revise_draft


@engine.data_source("my_open_dossiers")
def my_open_dossiers(agency_id: int, options: dict) -> list[tuple[int, str]]:
    """The choosing person's own open dossiers (they alone file into them: permissions.can_edit)."""
    actor_id = options.get("actor_id")
    if not actor_id:
        return []
    rows = db.session.execute(
        sa.select(Dossier.id, Dossier.file_code, Dossier.title)
        .where(Dossier.agency_id == agency_id, Dossier.creator_id == actor_id, Dossier.status == DossierStatus.OPEN)
        .order_by(Dossier.year.desc(), Dossier.notation)
    )
    return [(dossier_id, f"{code} — {title}") for dossier_id, code, title in rows]


def _document(object_type: str, object_id) -> object | None:
    model = filing.document_model(object_type)
    return db.session.get(model, int(object_id)) if model is not None and str(object_id).isdigit() else None


def finished(object_type: str, doc) -> bool:
    """A procedure that ended with the document handled: an incoming one completed (not returned or recalled), an
    outgoing one issued."""
    if object_type == "incoming":
        from app.incoming.models import IncomingStatus

        return doc.status == IncomingStatus.COMPLETED
    return doc.issued_at is not None


def choice(instance_id: int) -> tuple[int | None, int | None]:
    """(chosen dossier id, who chose it): the last completed step whose form named a dossier."""
    rows = db.session.execute(
        sa.select(HumanTask.submitted, HumanTask.completed_by_id)
        .where(HumanTask.instance_id == instance_id, HumanTask.state == TaskState.COMPLETED)
        .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc())
    )
    for submitted, user_id in rows:
        value = (submitted or {}).get(CHOICE_FIELD)
        if value not in (None, "") and str(value).isdigit():
            return int(value), user_id
    return None, None


def handler_id(object_type: str, doc) -> int | None:
    """Who handled the document: the incoming lead specialist, the outgoing drafter."""
    return doc.lead_user_id if object_type == "incoming" else doc.drafter_id


def _held_in(object_type: str, doc) -> list[Dossier]:
    """The dossiers holding the document (or, for a văn bản đi, one of its drafts)."""
    held = filing.holding_dossiers(object_type, doc.id)
    if object_type == "outgoing":
        for version in doc.versions:
            held += filing.holding_dossiers("draft", version.id)
    return list({d.id: d for d in held}.values())


def refusal(dossier: Dossier | None, object_type: str, doc) -> str | None:
    """Why the chosen dossier cannot take the document (None: it can)."""
    if dossier is None or dossier.agency_id != doc.agency_id:
        return "Không tìm thấy hồ sơ đã chọn trong cơ quan của văn bản."
    if dossier.status not in EDITABLE:
        return (
            f"Hồ sơ {dossier.file_code} đang ở trạng thái “{DOSSIER_STATUS_LABELS[dossier.status]}”, "
            "không nhận thêm văn bản."
        )
    creator = db.session.get(User, dossier.creator_id)
    cannot_see = f"Người lập hồ sơ {dossier.file_code} không có quyền xem văn bản này."
    if creator is None or not creator.is_active:
        return cannot_see
    try:
        filing.describe(creator, object_type, doc.id)  # the modules' own visibility rules
    except DomainError:
        return cannot_see
    return None


def _has(dossier: Dossier, object_type: str, object_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(DossierItem.id).where(
                DossierItem.dossier_id == dossier.id,
                DossierItem.object_type == object_type,
                DossierItem.object_id == object_id,
                DossierItem.kind != "history",
            )
        )
        is not None
    )


def _label(object_type: str, doc) -> str:
    return ("văn bản đến" if object_type == "incoming" else "văn bản đi") + f" “{doc.subject[:120]}”"


def _url(object_type: str, doc) -> str:
    return f"/{object_type}/{doc.id}"


def file_finished(object_type: str, doc, instance_id: int) -> list[DossierItem]:
    """File a finished procedure's document and history; the items written (none: nothing to file, or refused)."""
    from app.dossiers import history  # reportlab: imported on first use (test_lazy_imports)

    chosen_id, chooser_id = choice(instance_id)
    handler = chooser_id or handler_id(object_type, doc)
    if chosen_id is not None:
        dossier = db.session.get(Dossier, chosen_id)
        reason = refusal(dossier, object_type, doc)
        if reason is not None:
            notify(
                [handler] if handler else [],
                kind="dossier_autofile_skipped",
                title=f"Chưa lưu {_label(object_type, doc)} vào hồ sơ",
                body=reason + " Hãy lưu văn bản vào hồ sơ của mình trên trang văn bản.",
                url=_url(object_type, doc),
                dedupe_key=f"dossier_autofile:{object_type}:{doc.id}",
                object_type=object_type,
                object_id=doc.id,
            )
            return []
        targets = [dossier]
    else:
        targets = [d for d in _held_in(object_type, doc) if d.status in EDITABLE and d.agency_id == doc.agency_id]
    if not targets:
        return []
    record = history.collect(object_type, doc, instance_id)
    pdf = history.to_pdf(record)
    digest = current_app.extensions["qlvb.blobs"].put(pdf)
    items = []
    for dossier in targets:
        if object_type == "incoming" and not _has(dossier, "incoming", doc.id):
            items.append(filing.file_document(None, dossier, "incoming", doc.id, auto=True))
        if object_type == "outgoing":
            if not _has(dossier, "outgoing", doc.id):
                items.append(filing.file_document(None, dossier, "outgoing", doc.id, auto=True))
            for version in sorted(doc.versions, key=lambda v: v.number):
                if version.stage == "draft" and not _has(dossier, "outgoing_version", version.id):
                    items.append(filing.file_document(None, dossier, "draft", version.id, auto=True))
        items.append(
            filing.file_content(
                None,
                dossier,
                sha256=digest,
                filename=f"qua-trinh-xu-ly-{object_type}-{doc.id}.pdf",
                content_type="application/pdf",
                size=len(pdf),
                subject=f"Quá trình xử lý {_label(object_type, doc)}",
                kind="history",
                dated_on=clock.local_today(),
                author=record["agency"] or None,
                pages=_pages(pdf),
                auto=True,
                object_type=object_type,
                object_id=doc.id,
            )
        )
    return items


def _pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def on_case_completed(sender, object_id=None, agency_id=None, instance=None, **_extra) -> None:
    """`case_completed` receiver: file what a finished văn bản đến or đi procedure produced."""
    if sender not in ("incoming", "outgoing") or instance is None:
        return
    doc = _document(sender, object_id)
    if doc is None or doc.agency_id != agency_id or not finished(sender, doc):
        return
    file_finished(sender, doc, instance.id)


RECEIVERS = [(case_completed, on_case_completed)]

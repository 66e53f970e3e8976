"""The processing history of a finished procedure, filed into the handler's dossier (seed 000 Điều 19.2.b: "quá trình
luân chuyển và thông tin chỉ đạo giải quyết văn bản đến; … quá trình luân chuyển và thông tin trong chỉ đạo soạn
thảo văn bản đi"; NĐ 30 Phụ lục VI III.5.a).

`collect` gathers it as plain data (JSON-ready: every step of the case, then the document's own trail — directions,
assignments, extension requests and notes of a văn bản đến; versions, reviews, signature, issue and dispatch of a
văn bản đi); `to_pdf` prints it with the Vietnamese serif font (app.documents.fonts).
"""

import io
import json
from datetime import date
from xml.sax.saxutils import escape

import sqlalchemy as sa
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from app.core import clock
from app.core.db import db
from app.documents.fonts import build, fmt_date, styles
from app.dossiers.models import Dossier
from app.org.models import Agency, Unit, User
from app.workflow.forms import options_for
from app.workflow.models import TASK_STATE_LABELS, HumanTask


def _local(instant) -> str:
    return clock.to_local(instant).strftime("%H:%M %d/%m/%Y") if instant else ""


def _name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.full_name if user is not None else ""


def _unit(unit_id: int | None) -> str:
    unit = db.session.get(Unit, unit_id) if unit_id else None
    return unit.name if unit is not None else ""


def _values(task: HumanTask) -> list[tuple[str, str]]:
    """The submitted form values as (Vietnamese label, shown value), where simple: scalars and lists of scalars,
    choices shown by their label (a unit's name rather than its id); files and nested values are left out."""
    form = task.instance.process_version.forms.get(task.form_key) if task.form_key else None
    if not form or not task.submitted:
        return []
    hints, shown = form.get("ui") or {}, []
    for name, value in task.submitted.items():
        hint = hints.get(name, {})
        # Only what the person saw on the form (a labelled field); values actions added for the engine are not.
        if value in (None, "", [], {}) or isinstance(value, dict) or hint.get("widget") == "password":
            continue
        if not hint.get("label"):
            continue
        label = hint["label"]
        if name == "dossier_id" and str(value).isdigit():
            dossier = db.session.get(Dossier, int(value))
            shown.append((label, dossier.file_code if dossier is not None else str(value)))
            continue
        if form["schema"]["properties"].get(name, {}).get("format") == "date" and isinstance(value, str):
            shown.append((label, _form_date(value)))  # dd/mm/yyyy as everywhere else, not the form's ISO text
            continue
        choices = {}
        if hint.get("source") or hint.get("labels") or form["schema"]["properties"].get(name, {}).get("enum"):
            try:
                choices = {str(v): text for v, text in options_for(form, name, task.agency_id, task.unit_id)}
            except KeyError:  # a data source no longer installed: the raw value
                choices = {}
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, (dict, list)) for item in items):
            continue
        text = ", ".join(
            choices.get(str(item), "Có" if item is True else "Không" if item is False else str(item)) for item in items
        )
        shown.append((label, text))
    return shown


def _form_date(text: str) -> str:
    try:
        return fmt_date(date.fromisoformat(text))
    except ValueError:
        return text


def steps(instance_id: int) -> list[dict]:
    tasks = db.session.scalars(
        sa.select(HumanTask).where(HumanTask.instance_id == instance_id).order_by(HumanTask.created_at, HumanTask.id)
    )
    return [
        {
            "step": task.title,
            "person": _name(task.completed_by_id or task.assignee_id),
            "opened_at": _local(task.created_at),
            "completed_at": _local(task.completed_at),
            "state": TASK_STATE_LABELS.get(task.state, task.state),
            "outcome": task.outcome_label or "",
            "comment": task.comment or "",
            "values": [f"{label}: {text}" for label, text in _values(task)],
        }
        for task in tasks
    ]


def _incoming_trail(doc) -> dict:
    from app.incoming.models_handling import EXTENSION_LABELS, NOTE_LABELS, IncomingExtension, IncomingNote

    extensions = db.session.scalars(
        sa.select(IncomingExtension).where(IncomingExtension.document_id == doc.id).order_by(IncomingExtension.id)
    )
    notes = db.session.scalars(
        sa.select(IncomingNote).where(IncomingNote.document_id == doc.id).order_by(IncomingNote.id)
    )
    number = f"{doc.arrival_number}/{doc.arrival_year}" if doc.arrival_number else ""
    return {
        "title": "QUÁ TRÌNH XỬ LÝ VĂN BẢN ĐẾN",
        "document": [
            ("Văn bản", f"{doc.type_name} số {'/'.join(p for p in (doc.code_number, doc.code_notation) if p)}"),
            ("Ngày văn bản", fmt_date(doc.issued_date)),
            ("Cơ quan ban hành", doc.sender_name),
            ("Trích yếu", doc.subject),
            ("Số đến", number),
            ("Ngày đến", _local(doc.arrived_at)),
            ("Ý kiến chỉ đạo", doc.direction or ""),
            ("Hạn giải quyết", fmt_date(doc.handling_due)),
            ("Kết quả giải quyết", doc.result or ""),
            ("Hoàn thành lúc", _local(doc.completed_at)),
        ],
        "sections": [
            {
                "caption": "Phân công xử lý",
                "headings": ["Hình thức", "Đơn vị", "Người", "Hạn", "Ghi chú", "Hoàn thành"],
                "rows": [
                    [
                        a.kind_label,
                        _unit(a.unit_id),
                        _name(a.user_id),
                        fmt_date(a.due_date),
                        a.note or "",
                        _local(a.done_at),
                    ]
                    for a in doc.assignments
                ],
            },
            {
                "caption": "Đề nghị gia hạn",
                "headings": ["Người đề nghị", "Lý do", "Hạn cũ", "Hạn đề nghị", "Kết quả", "Người duyệt"],
                "rows": [
                    [
                        _name(e.requested_by_id),
                        e.reason,
                        fmt_date(e.previous_date),
                        fmt_date(e.proposed_date),
                        EXTENSION_LABELS.get(e.status, e.status) + (f": {e.decision_note}" if e.decision_note else ""),
                        _name(e.decided_by_id),
                    ]
                    for e in extensions
                ],
            },
            {
                "caption": "Cập nhật tiến độ, ghi chú",
                "headings": ["Thời điểm", "Người", "Loại", "Nội dung"],
                "rows": [
                    [
                        _local(n.created_at),
                        _name(n.author_id),
                        NOTE_LABELS.get(n.kind, n.kind),
                        n.text + (f" ({n.percent}%)" if n.percent is not None else ""),
                    ]
                    for n in notes
                ],
            },
        ],
    }


def _outgoing_trail(doc) -> dict:
    from app.outgoing.models import (
        REVIEW_DECISION_LABELS,
        REVIEW_LABELS,
        STAGE_LABELS,
        OutgoingRecipient,
        OutgoingReview,
        OutgoingVersion,
    )

    versions = db.session.scalars(
        sa.select(OutgoingVersion).where(OutgoingVersion.document_id == doc.id).order_by(OutgoingVersion.number)
    )
    reviews = db.session.scalars(
        sa.select(OutgoingReview).where(OutgoingReview.document_id == doc.id).order_by(OutgoingReview.id)
    )
    recipients = db.session.scalars(
        sa.select(OutgoingRecipient).where(OutgoingRecipient.document_id == doc.id).order_by(OutgoingRecipient.id)
    )
    notation = doc.symbol or ""  # số and ký hiệu together ("01/UBND-TH") once issued
    return {
        "title": "QUÁ TRÌNH XỬ LÝ VĂN BẢN ĐI",
        "document": [
            ("Văn bản", f"{doc.type_name} số {notation}"),
            ("Trích yếu", doc.subject),
            ("Người soạn thảo", _name(doc.drafter_id)),
            ("Người ký", doc.signer_full_name or ""),
            ("Ký lúc", _local(doc.signed_at)),
            ("Ngày ban hành", fmt_date(doc.issued_date)),
            ("Phát hành lúc", _local(doc.issued_at)),
            ("Văn thư phát hành", _name(doc.issued_by_id)),
        ],
        "sections": [
            {
                "caption": "Các lần dự thảo, trình ký, phát hành",
                "headings": ["Lần", "Giai đoạn", "Tệp", "Người tạo", "Thời điểm", "Ghi chú"],
                "rows": [
                    [
                        str(v.number),
                        STAGE_LABELS.get(v.stage, v.stage),
                        v.filename,
                        _name(v.created_by_id),
                        _local(v.created_at),
                        v.note or "",
                    ]
                    for v in versions
                ],
            },
            {
                "caption": "Góp ý, duyệt, ký duyệt",
                "headings": ["Thời điểm", "Người", "Bước", "Kết quả", "Dự thảo lần", "Ý kiến"],
                "rows": [
                    [
                        _local(r.created_at),
                        _name(r.user_id),
                        REVIEW_LABELS.get(r.kind, r.kind),
                        REVIEW_DECISION_LABELS.get(r.decision, r.decision or ""),
                        str(r.version_number or ""),
                        r.comment or "",
                    ]
                    for r in reviews
                ],
            },
            {
                "caption": "Gửi văn bản",
                "headings": ["Nơi nhận", "Gửi lúc", "Trạng thái", "Ghi chú"],
                "rows": [
                    [r.name, _local(r.dispatched_at), r.status_code or "", r.status_note or ""] for r in recipients
                ],
            },
        ],
    }


def collect(object_type: str, doc, instance_id: int) -> dict:
    """The history as data: the document, the case's steps, the document's own trail (JSON-ready)."""
    trail = _incoming_trail(doc) if object_type == "incoming" else _outgoing_trail(doc)
    agency = db.session.get(Agency, doc.agency_id)
    return {
        "agency": agency.name if agency is not None else "",
        "object_type": object_type,
        "object_id": doc.id,
        "made_at": _local(clock.now()),
        **trail,
        "steps": steps(instance_id),
    }


def to_pdf(history: dict) -> bytes:
    st = styles()
    story = [
        Paragraph(escape(history["agency"].upper()), st["header_bold"]),
        Spacer(1, 6 * mm),
        Paragraph(escape(history["title"]), st["title"]),
        Spacer(1, 4 * mm),
    ]
    for label, value in history["document"]:
        if value:
            story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(str(value))}", st["cell"]))
    usable = 186  # portrait A4 less the margins, mm
    step_rows = [
        [
            s["step"],
            s["person"],
            s["opened_at"],
            s["completed_at"] or s["state"],
            s["outcome"],
            "\n".join(filter(None, [s["comment"], *s["values"]])),
        ]
        for s in history["steps"]
    ]
    sections = [
        {
            "caption": "Các bước xử lý",
            "headings": ["Bước", "Người xử lý", "Nhận lúc", "Hoàn thành", "Kết quả", "Ý kiến, nội dung"],
            "rows": step_rows,
            "widths": [30, 28, 22, 22, 22, 62],
        },
        *history["sections"],
    ]
    for section in sections:
        if not section["rows"]:
            continue
        story.append(Paragraph(escape(section["caption"]), st["section"]))
        weights = section.get("widths") or [1] * len(section["headings"])
        widths = [usable * w / sum(weights) * mm for w in weights]
        data = [[Paragraph(escape(h), st["head"]) for h in section["headings"]]]
        for cells in section["rows"]:
            data.append([Paragraph(escape(str(c)).replace("\n", "<br/>"), st["cell"]) for c in cells])
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ]
            )
        )
        story += [table, Spacer(1, 4 * mm)]
    story.append(Paragraph(f"Hệ thống lập tự động lúc {escape(history['made_at'])}.", st["cell"]))
    pdf = build(story, pagesize=A4, title=history["title"], author=history["agency"], margins=(15, 12, 15, 12))
    return _with_data(pdf, history)


JSON_NAME = "qua-trinh-xu-ly.json"


def _with_data(pdf: bytes, history: dict) -> bytes:
    """The same history as JSON, attached inside the PDF (an embedded file): one filed item that people read and
    programs (an export, a later migration) parse without scraping the text."""
    from pypdf import PdfReader, PdfWriter  # only when used: ~9 MiB less in every server process

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_attachment(JSON_NAME, json.dumps(history, ensure_ascii=False, indent=1).encode())
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def attached_data(pdf: bytes) -> dict | None:
    """The JSON a history PDF carries (None: none)."""
    from pypdf import PdfReader

    files = PdfReader(io.BytesIO(pdf)).attachments.get(JSON_NAME)
    return json.loads(files[0]) if files else None

"""Phiếu giải quyết văn bản đến (NĐ 30/2020 Phụ lục IV mục VII) for one document, filled from its procedure.

Part 1 comes from the leader's `direct_handling` step and the assignments it made (chủ trì, phối hợp, deadlines);
part 2 from the unit leader's `assign_specialist` step; part 3 from the handler's `handle_document` step. A part
not reached yet keeps dotted lines, so the printed slip can still be completed by hand.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

import sqlalchemy as sa
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, Paragraph, Spacer, Table, TableStyle

from app.core.db import db
from app.documents.fonts import build, fmt_date, name_paragraph, styles
from app.incoming.models import AssignmentKind, IncomingDocument
from app.incoming.printing.books import source_line
from app.org.models import User
from app.sla.calendar import next_working_day
from app.workflow.models import HumanTask, TaskState, WorkflowInstance
from app.workflow.queries import task_history

BLANK = "……………………………………………"
OUTCOME_LABELS = {"hoan_thanh": "Hoàn thành", "khong_can_xu_ly": "Không cần xử lý"}


@dataclass
class Opinion:
    """One part of the slip: labelled lines, who gave the opinion and when."""

    heading: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    given_by: str | None = None


def steps_of(document: IncomingDocument, object_type: str = "incoming") -> list[HumanTask]:
    """The human tasks of the document's procedure, oldest first."""
    instance_id = db.session.scalar(
        sa.select(WorkflowInstance.id).where(
            WorkflowInstance.object_type == object_type, WorkflowInstance.object_id == str(document.id)
        )
    )
    return task_history(instance_id) if instance_id else []


def _last_done(steps: list[HumanTask], name: str) -> HumanTask | None:
    done = [t for t in steps if t.task_name == name and t.state == TaskState.COMPLETED]
    return done[-1] if done else None


def _day(value: date | datetime | None) -> str:
    return fmt_date(value) or BLANK


def _name(assignment) -> str:
    unit = assignment.unit.name if assignment.unit else ""
    person = assignment.user.full_name if assignment.user else ""
    return f"{unit} ({person})" if unit and person else unit or person


def _named(lead, user_id) -> str:
    """The lead as the leader named them: a step given back and handed on since changes the assignment's person,
    never what the leader wrote."""
    person = db.session.get(User, int(user_id)) if str(user_id).isdigit() else None
    if person is None:
        return _name(lead)
    unit = lead.unit.name if lead.unit else ""
    return f"{unit} ({person.full_name})" if unit else person.full_name


def _unless_set(submitted: dict, document: IncomingDocument, assignment) -> str:
    """ " (theo thời hạn quy định)" after a date the leader did not write: the sender's reply date or the step's own
    period (app.incoming.handlers.keep_default_deadlines), so the slip never puts a date in the leader's mouth."""
    if submitted.get("han_xu_ly"):
        return ""
    if assignment.kind == AssignmentKind.COORDINATE:
        own = submitted.get(
            "han_don_vi_phoi_hop" if assignment.unit_id and not assignment.user_id else "han_nguoi_phoi_hop"
        )
        key = assignment.user_id or assignment.unit_id
        if isinstance(own, dict) and (own.get(str(key)) or own.get(key)):
            return ""
    asked = document.due_date
    if asked is not None and assignment.due_date == next_working_day(asked, document.agency_id):
        return " (theo hạn trả lời của nơi gửi)"
    return " (theo thời hạn quy định)"


def agency_opinion(document: IncomingDocument, direct: HumanTask | None) -> Opinion:
    """Phần 1: ý kiến của lãnh đạo cơ quan (NĐ 30/2020 Điều 23.2: chủ trì, phối hợp, thời hạn)."""
    opinion = Opinion("1. Ý kiến của lãnh đạo cơ quan, tổ chức")
    submitted = (direct.submitted or {}) if direct else {}
    lead = next((a for a in document.assignments if a.kind == AssignmentKind.LEAD), None)
    lead_text = ""
    if lead is not None:
        # After the unit leader's step the lead row names the specialist; part 1 shows whom the leader named.
        named_by_leader = submitted.get("lead_user_id") if direct else lead.user_id
        lead_text = _named(lead, named_by_leader) if named_by_leader else (lead.unit.name if lead.unit else _name(lead))
    coordinating = [a for a in document.assignments if a.kind == AssignmentKind.COORDINATE]
    informed = [a for a in document.assignments if a.kind == AssignmentKind.INFORM]
    deadlines = []
    if lead is not None and lead.due_date:
        deadlines.append(f"{lead_text}: {fmt_date(lead.due_date)}{_unless_set(submitted, document, lead)}")
    deadlines += [
        f"{_name(a)}: {fmt_date(a.due_date)}{_unless_set(submitted, document, a)}" for a in coordinating if a.due_date
    ]
    direction = document.direction or submitted.get("y_kien_chi_dao") or ""
    opinion.lines = [
        ("Ý kiến chỉ đạo", direction or BLANK),
        ("Giao đơn vị, cá nhân chủ trì", lead_text or BLANK),
        (
            "Giao các đơn vị, cá nhân tham gia phối hợp giải quyết văn bản đến",
            "; ".join(_name(a) for a in coordinating) or ("không" if lead else BLANK),
        ),
    ]
    if informed:
        opinion.lines.append(("Để biết", "; ".join(_name(a) for a in informed)))
    opinion.lines += [
        (
            "Thời hạn giải quyết đối với mỗi đơn vị, cá nhân",
            "; ".join(deadlines) or ("không ấn định" if lead else BLANK),
        ),
        (
            "Ngày tháng cho ý kiến phân phối, giải quyết",
            _day(direct.completed_at if direct else lead.created_at if lead else None),
        ),
    ]
    opinion.given_by = direct.completed_by.full_name if direct and direct.completed_by else None
    return opinion


def unit_opinion(document: IncomingDocument, direct, assign, handle: HumanTask | None) -> Opinion:
    """Phần 2: ý kiến của lãnh đạo đơn vị chủ trì, who gives the document to one of the unit's people."""
    opinion = Opinion("2. Ý kiến của lãnh đạo đơn vị")
    if assign is None:
        named = (direct.submitted or {}).get("lead_user_id") if direct is not None else None
        if named:
            opinion.lines = [("Ý kiến", "Lãnh đạo cơ quan đã giao trực tiếp cho cá nhân chủ trì.")]
            person = db.session.get(User, int(named)) if str(named).isdigit() else None
            if handle is not None and _given_to(person, handle) != (person.full_name if person else BLANK):
                opinion.lines.append(("Giao cho cá nhân", _given_to(person, handle)))  # given back since
                _with_reassignment(opinion, document)
        else:
            opinion.lines = [
                ("Ý kiến", BLANK),
                ("Giao cho cá nhân", BLANK),
                ("Thời hạn giải quyết đối với cá nhân", BLANK),
                ("Ngày, tháng, năm cho ý kiến", BLANK),
            ]
        return opinion
    submitted = assign.submitted or {}
    person = db.session.get(User, submitted["lead_user_id"]) if submitted.get("lead_user_id") else None
    lead = next((a for a in document.assignments if a.kind == AssignmentKind.LEAD), None)
    due = handle.due_at if handle is not None and handle.due_at else (lead.due_date if lead else None)
    opinion.lines = [
        ("Ý kiến", submitted.get("y_kien_phan_cong") or assign.comment or "Giao chuyên viên giải quyết."),
        ("Giao cho cá nhân", _given_to(person, handle)),
        ("Thời hạn giải quyết đối với cá nhân", fmt_date(due) or "không ấn định"),
        ("Ngày, tháng, năm cho ý kiến", _day(assign.completed_at)),
    ]
    opinion.given_by = assign.completed_by.full_name if assign.completed_by else None
    _with_reassignment(opinion, document, after=assign.completed_at)
    return opinion


def _with_reassignment(opinion: Opinion, document: IncomingDocument, after=None) -> None:
    """A step given back and handed on ("Giao lại"): the unit leader's later words, their day and their name are
    part 2's, not the first assignment's."""
    from app.incoming.models_handling import IncomingNote, NoteKind

    query = sa.select(IncomingNote).where(
        IncomingNote.document_id == document.id, IncomingNote.kind == NoteKind.ASSIGNED
    )
    if after is not None:
        query = query.where(IncomingNote.created_at > after)
    note = db.session.scalar(query.order_by(IncomingNote.id.desc()).limit(1))
    if note is None or note.author is None:
        return
    lines = dict(opinion.lines)
    lines["Ý kiến"] = note.text
    lines["Ngày, tháng, năm cho ý kiến"] = _day(note.created_at)
    opinion.lines = list(lines.items())
    opinion.given_by = note.author.full_name


def _given_to(person: User | None, handle: HumanTask | None) -> str:
    """The person the unit leader named; when the step has since gone to someone else (given back with a reason,
    handed on), who holds or did it now, so part 2 never names a person who no longer handles the document."""
    if person is None:
        return BLANK
    if handle is None:
        return person.full_name
    now = handle.completed_by if handle.state == TaskState.COMPLETED else handle.assignee
    if now is not None and now.id == person.id:
        return person.full_name
    if now is None:
        return f"{person.full_name} (đã trả lại, chờ phân công lại)"
    return f"{person.full_name}; sau đó {now.full_name} giải quyết"


def handler_opinion(document: IncomingDocument, handle) -> Opinion:
    """Phần 3: ý kiến đề xuất (kết quả giải quyết) của người giải quyết."""
    opinion = Opinion("3. Ý kiến đề xuất của người giải quyết")
    if handle is None:
        opinion.lines = [("Ý kiến đề xuất giải quyết văn bản đến", BLANK), ("Ngày, tháng, năm đề xuất ý kiến", BLANK)]
        return opinion
    submitted = handle.submitted or {}
    text = document.result or submitted.get("ket_qua") or handle.comment or ""
    outcome = OUTCOME_LABELS.get(handle.outcome or "")
    opinion.lines = [("Ý kiến đề xuất giải quyết văn bản đến", text or BLANK)]
    if outcome:
        opinion.lines.append(("Kết quả", outcome))
    opinion.lines.append(("Ngày, tháng, năm đề xuất ý kiến", _day(handle.completed_at)))
    opinion.given_by = handle.completed_by.full_name if handle.completed_by else None
    return opinion


HEADER_LEFT = 72 * mm  # the agency's column (no padding)


def _header(agency_name: str) -> Table:
    """Tên cơ quan (left) and Quốc hiệu, Tiêu ngữ (right), each underlined: NĐ 30/2020 Phụ lục I."""
    st = styles()
    left = [
        # Broken between words and before the place (name_paragraph), not wherever the column ends; 3 mm kept
        # clear on each side, so that a long name never runs up against the Quốc hiệu beside it.
        name_paragraph(agency_name, st["header"], HEADER_LEFT - 6 * mm, bold=True),
        HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=2, hAlign="CENTER"),
    ]
    right = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st["header_bold"]),
        Paragraph("Độc lập - Tự do - Hạnh phúc", st["motto"]),
        HRFlowable(width="64%", thickness=0.6, color=colors.black, spaceBefore=2, hAlign="CENTER"),
    ]
    table = Table([[left, right]], colWidths=[HEADER_LEFT, 93 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),  # centres the rules under the names
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def subtitle(document: IncomingDocument) -> str:
    """Tên loại; số và ký hiệu; ngày, tháng, năm; cơ quan ban hành và trích yếu nội dung, as one sentence."""
    subject = document.subject.strip()
    if subject.lower().startswith("về việc"):  # "… của Sở Nội vụ về việc báo cáo …"
        return f"({source_line(document)} {subject[0].lower()}{subject[1:]})"
    return f"({source_line(document)}: {subject})"


def handling_slip_pdf(agency_name: str, document: IncomingDocument, steps: list[HumanTask]) -> bytes:
    st = styles()
    direct = _last_done(steps, "direct_handling")
    assign = _last_done(steps, "assign_specialist")
    handle = _last_done(steps, "handle_document")
    # The handler's deadline is known as soon as the step exists, before it is done.
    handling = [t for t in steps if t.task_name == "handle_document" and t.state != TaskState.CANCELLED]
    story = [
        _header(agency_name),
        Spacer(1, 10 * mm),
        Paragraph("PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN", st["title"]),
        Spacer(1, 2 * mm),
        Paragraph(escape(subtitle(document)), st["subtitle"]),
        Spacer(1, 2 * mm),
        Paragraph(
            f"Số đến: {document.arrival_label or BLANK} — Ngày đến: {fmt_date(document.arrived_at)}", st["subtitle"]
        ),
        Spacer(1, 6 * mm),
    ]
    for opinion in (
        agency_opinion(document, direct),
        unit_opinion(document, direct, assign, handling[-1] if handling else None),
        handler_opinion(document, handle),
    ):
        story.append(Paragraph(opinion.heading, st["section"]))
        for label, value in opinion.lines:
            story.append(Paragraph(f"– {escape(label)}: {escape(value)}", st["item"]))
        if opinion.given_by:
            story.append(Paragraph(escape(opinion.given_by), st["signer"]))
        story.append(Spacer(1, 3 * mm))
    title = f"Phiếu giải quyết văn bản đến số {document.arrival_label or document.id}"
    return build(story, pagesize=A4, title=title, author=agency_name, margins=(20, 15, 20, 30))

"""Printed forms of văn bản đến (NĐ 30/2020 Phụ lục IV): phiếu giải quyết, sổ theo dõi giải quyết; pages and API."""

import io
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.audit.models import AuditEvent
from app.core import clock
from app.core.db import db
from app.core.transaction import unit_of_work
from app.documents.fonts import fmt_date
from app.incoming import handling, services
from app.incoming.models import IncomingDocument, IncomingStatus
from app.incoming.printing.books import progress
from app.incoming.printing.slip import BLANK
from app.org.models import Agency
from app.workflow import services as wf
from app.workflow.assignment import acting_for
from app.workflow.models import WorkflowInstance
from tests.conftest import csrf_token, login
from tests.incoming.conftest import METADATA, upload
from tests.workflow.conftest import open_tasks


def text_of(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace (line breaks inside cells, wrapped lines) made single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def at(day: int, hour: int = 9) -> datetime:
    """A local (UTC+07:00) time in November 2026."""
    return datetime(2026, 11, day, hour - 7, 0, tzinfo=UTC)


class Procedure:
    """Drive a document through processes/incoming.bpmn: each open step is done by whoever may act on it."""

    def __init__(self, office, frozen_clock, pdf: bytes, **extra):
        self.office, self.clock = office, frozen_clock
        self.people = [
            office.clerk,
            office.leader,
            office.unit_leader,
            office.spec_a1,
            office.spec_a2,
            office.spec_b,
        ]
        self.document = services.receive_incoming(
            office.clerk, channel="electronic", metadata={**METADATA, **extra}, uploads=upload(pdf)
        )
        self.instance = db.session.scalar(
            sa.select(WorkflowInstance).where(WorkflowInstance.object_id == str(self.document.id))
        )

    def step(self, name: str, data: dict | None = None, outcome: str | None = None, when: datetime | None = None):
        if when is not None:
            self.clock.set(when)
        [task] = [t for t in open_tasks(self.instance) if t.task_name == name]
        actor = next(p for p in self.people if acting_for(p, task) is not None)
        wf.complete_task(actor, task.id, data or {}, outcome=outcome)
        db.session.refresh(self.document)

    def finish_side_steps(self, when: datetime):
        """Steps other than the main line (a coordinating unit's opinion, "để biết" confirmations), if any."""
        side = {"give_opinion": ({"y_kien_phoi_hop": "Phòng Kinh tế thống nhất nội dung."}, None)}
        side["confirm_read"] = ({}, "da_doc")
        for task in open_tasks(self.instance):
            if task.task_name in side:
                data, outcome = side[task.task_name]
                self.step(task.task_name, data, outcome, when)

    def register(self, when: datetime | None = None):
        self.step("check_document", outcome="tiep_nhan", when=when)
        fields = ("sender_name", "sender_code", "code_number", "code_notation", "issued_date", "type_name", "subject")
        prefill = services.workflow_data(self.document)
        self.step("register_document", {k: prefill[k] for k in fields})
        return self

    def direct(self, when: datetime, **data):
        self.step("direct_handling", {"y_kien_chi_dao": "Giao Phòng Tổng hợp tham mưu trả lời.", **data}, when=when)
        return self


def completed_document(office, frozen_clock, signed_pdf) -> IncomingDocument:
    """Registered 23/11, directed 23/11 (Phòng Tổng hợp chủ trì, Phòng Kinh tế phối hợp, hạn 27/11), given to Võ
    Quốc Bảo on 24/11, handled on 26/11."""
    case = Procedure(office, frozen_clock, signed_pdf).register(when=at(23))
    case.direct(
        at(23, 15),
        lead_unit_id=office.unit_a.id,
        han_xu_ly="2026-11-27",
        coordinate_unit_ids=[office.unit_b.id],
    )
    case.step(
        "assign_specialist",
        {"lead_user_id": office.spec_a1.id, "y_kien_phan_cong": "Đề nghị đồng chí Bảo nghiên cứu, tham mưu."},
        when=at(24),
    )
    case.finish_side_steps(at(25))
    case.step("handle_document", {"ket_qua": "Đã dự thảo công văn trả lời Sở Nội vụ."}, "hoan_thanh", at(26))
    case.finish_side_steps(at(26, 10))
    assert case.document.status == IncomingStatus.COMPLETED
    return case.document


def test_the_slip_of_a_completed_document_is_filled_from_its_procedure(
    client, incoming_office, signed_pdf, frozen_clock
):
    document = completed_document(incoming_office, frozen_clock, signed_pdf)
    login(client, "vanthu")
    response = client.get(f"/incoming/{document.id}/phieu.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    [page] = text_of(response.data)
    for expected in (
        "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN",
        "(Công văn số 123/SNV-TCBC ngày 20/11/2026 của Sở Nội vụ tỉnh Kiên Giang về việc báo cáo số lượng biên chế",
        "Số đến: 01 — Ngày đến: 23/11/2026",
        # 1. the leader's direction (NĐ 30/2020 Điều 23.2: chủ trì, phối hợp, thời hạn)
        "1. Ý kiến của lãnh đạo cơ quan, tổ chức",
        "Ý kiến chỉ đạo: Giao Phòng Tổng hợp tham mưu trả lời.",
        "Giao đơn vị, cá nhân chủ trì: Phòng Tổng hợp –",
        "tham gia phối hợp giải quyết văn bản đến: Phòng Kinh tế",
        "đơn vị, cá nhân: Phòng Tổng hợp: 27/11/2026; Phòng Kinh tế: 27/11/2026",
        "Ngày tháng cho ý kiến phân phối, giải quyết: 23/11/2026 Trần Văn Minh",
        # 2. the unit leader
        "2. Ý kiến của lãnh đạo đơn vị",
        "Ý kiến: Đề nghị đồng chí Bảo nghiên cứu, tham mưu.",
        "Giao cho cá nhân: Võ Quốc Bảo",
        "Thời hạn giải quyết đối với cá nhân: 27/11/2026",
        "Ngày, tháng, năm cho ý kiến: 24/11/2026 Phạm Thị Lan",
        # 3. the handler
        "3. Ý kiến đề xuất của người giải quyết",
        "Ý kiến đề xuất giải quyết văn bản đến: Đã dự thảo công văn trả lời Sở Nội vụ.",
        "Kết quả: Hoàn thành",
        "Ngày, tháng, năm đề xuất ý kiến: 26/11/2026 Võ Quốc Bảo",
    ):
        assert expected in page, expected
    assert BLANK not in page  # every part is filled
    views = db.session.scalars(
        sa.select(AuditEvent.object_id).where(AuditEvent.action == "incoming.view", AuditEvent.actor_id.isnot(None))
    ).all()
    assert views == [str(document.id)]  # printing the slip is a view of the document


def test_a_slip_before_direction_keeps_dotted_lines_and_a_named_lead_skips_the_unit_leader(
    client, incoming_office, signed_pdf, frozen_clock
):
    office = incoming_office
    waiting = Procedure(office, frozen_clock, signed_pdf).register(when=at(23))
    named = Procedure(office, frozen_clock, signed_pdf, code_number="124").register()
    named.direct(at(23, 16), lead_unit_id=office.unit_a.id, lead_user_id=office.spec_a1.id)
    login(client, "lanhdao")
    [blank] = text_of(client.get(f"/incoming/{waiting.document.id}/phieu.pdf").data)
    assert f"Ý kiến chỉ đạo: {BLANK}" in blank and f"Ý kiến đề xuất giải quyết văn bản đến: {BLANK}" in blank
    [direct] = text_of(client.get(f"/incoming/{named.document.id}/phieu.pdf").data)
    assert "Giao đơn vị, cá nhân chủ trì: Phòng Tổng hợp (Võ Quốc Bảo)" in direct
    # No date from the leader: the step's own (processes/incoming.bpmn), said to be the rule's, not the leader's
    handle = next(t for t in open_tasks(named.instance) if t.task_name == "handle_document")
    due = fmt_date(clock.to_local(handle.due_at).date())
    assert f"Thời hạn giải quyết đối với mỗi đơn vị, cá nhân: Phòng Tổng hợp (Võ Quốc Bảo): {due} (theo thời" in direct
    assert "Lãnh đạo cơ quan đã giao trực tiếp cho cá nhân chủ trì." in direct


def test_the_slip_names_who_handles_after_the_specialist_gave_the_document_back(
    client, incoming_office, signed_pdf, frozen_clock
):
    office = incoming_office
    case = Procedure(office, frozen_clock, signed_pdf).register(when=at(23))
    case.direct(at(23, 15), lead_unit_id=office.unit_a.id, han_xu_ly="2026-11-27")
    case.step("assign_specialist", {"lead_user_id": office.spec_a1.id}, when=at(24))
    handling.return_to_unit_leader(office.spec_a1, case.document.id, "Tôi đi công tác dài ngày.")
    login(client, "lanhdao")
    [back] = text_of(client.get(f"/incoming/{case.document.id}/phieu.pdf").data)
    assert "Giao cho cá nhân: Võ Quốc Bảo (đã trả lại, chờ phân công lại)" in back
    assert "Phòng Tổng hợp: 27/11/2026" in back and "(theo" not in back  # the leader's own date, as written
    handle = next(t for t in open_tasks(case.instance) if t.task_name == "handle_document")
    wf.claim_task(office.unit_leader, handle.id)  # the unit leader handles it herself
    [again] = text_of(client.get(f"/incoming/{case.document.id}/phieu.pdf").data)
    assert f"Giao cho cá nhân: Võ Quốc Bảo; sau đó {office.unit_leader.full_name} giải quyết" in again


# NĐ 30 Phụ lục VI III.1.l
def test_the_follow_up_book_has_its_cover_and_seven_columns(
    client, incoming_office, signed_pdf, frozen_clock, create_user
):
    office = incoming_office
    # Phòng Kinh tế leads the late one: it needs a unit leader to assign it (a direction nobody can act on is refused).
    create_user(roles=("lanh_dao_don_vi",), agency=office.agency, unit_id=office.unit_b.id, username="truongphong.kt")
    done = completed_document(office, frozen_clock, signed_pdf)
    late = Procedure(
        office, frozen_clock, signed_pdf, code_number="125", subject="Về việc kiểm tra công tác văn thư năm 2026"
    )
    late.register(when=at(24)).direct(at(24, 10), lead_unit_id=office.unit_b.id, han_xu_ly="2026-11-25")
    fresh = Procedure(office, frozen_clock, signed_pdf, code_number="126", subject="Về việc tổ chức hội nghị tổng kết")
    fresh.register(when=at(27))
    Procedure(office, frozen_clock, signed_pdf, code_number="127")  # received, not registered: not in the book
    frozen_clock.set(at(28))
    login(client, "vanthu")
    response = client.get("/incoming/follow-up.pdf?year=2026&date_from=2026-11-01&date_to=2026-11-30")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    cover, table = text_of(response.data)
    assert "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN" in cover and "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG" in cover
    assert "Năm: 2026" in cover and "Từ ngày 01/11/2026 đến ngày 30/11/2026" in cover and "Quyển số: 01" in cover
    assert "Từ số" not in cover  # Phụ lục IV: the follow-up book's cover has no number range
    for heading in (
        "Số đến",
        "Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan, tổ chức ban hành văn bản",
        "Đơn vị hoặc người nhận",
        "Thời hạn giải quyết",
        "Tiến độ giải quyết",
        "Số, ký hiệu văn bản trả lời",
        "Ghi chú",
        "(7)",
    ):
        assert heading in table, heading
    assert "(8)" not in table
    rows = table[table.index("(7)") :]
    assert rows.index("01 Công văn số 123/SNV-TCBC") < rows.index("02 Công văn số 125") < rows.index("03 Công")
    assert "ngày 20/11/2026 của Sở Nội vụ tỉnh Kiên Giang" in rows
    assert "Phòng Tổng hợp (Võ Quốc Bảo) Phối hợp: Phòng Kinh tế 27/11/2026 Hoàn thành ngày 26/11/2026" in rows
    assert "Phòng Kinh tế 25/11/2026 Đã phân công, quá hạn" in rows
    assert "Đã vào sổ" in rows and "127" not in rows
    assert done.arrival_number == 1
    printed = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "incoming.print_follow_up"))
    assert printed.summary == "In sổ theo dõi giải quyết văn bản đến năm 2026 (3 văn bản)"


# NĐ 30 Phụ lục VI III.1.l
def test_progress_says_late_when_past_the_handling_deadline():
    document = IncomingDocument(status=IncomingStatus.COMPLETED, handling_due=date(2026, 11, 25))
    document.completed_at = at(26)
    assert progress(document, date(2026, 11, 30)) == "Hoàn thành ngày 26/11/2026 (quá hạn)"
    document.completed_at = at(25, 16)
    assert progress(document, date(2026, 11, 30)) == "Hoàn thành ngày 25/11/2026"
    handling = IncomingDocument(status=IncomingStatus.HANDLING, handling_due=date(2026, 11, 25))
    assert progress(handling, date(2026, 11, 25)) == "Đang xử lý"
    assert progress(handling, date(2026, 11, 26)) == "Đang xử lý, quá hạn"


@pytest.mark.parametrize("path", ["/incoming/follow-up.pdf", "/incoming/register.pdf"])
def test_specialists_and_unit_leaders_do_not_print_the_books(client, incoming_office, path):
    for username in ("cv.a1", "truongphong"):
        login(client, username)
        assert client.get(path).status_code == 403
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_another_agency_cannot_print_the_slip(
    client, incoming_office, signed_pdf, frozen_clock, create_user, create_agency
):
    case = Procedure(incoming_office, frozen_clock, signed_pdf).register()
    create_user(roles=("van_thu", "lanh_dao"), agency=create_agency(), username="khac")
    login(client, "khac")
    assert client.get(f"/incoming/{case.document.id}/phieu.pdf").status_code == 404
    assert "In sổ theo dõi giải quyết" in client.get("/incoming").get_data(as_text=True)


def test_document_page_links_the_slip_and_shows_the_viewer(client, incoming_office, signed_pdf, frozen_clock):
    case = Procedure(incoming_office, frozen_clock, signed_pdf)
    login(client, "vanthu")
    page = client.get(f"/incoming/{case.document.id}").get_data(as_text=True)
    assert f'href="/incoming/{case.document.id}/phieu.pdf"' in page and "In phiếu giải quyết" in page
    main = case.document.files[0]
    assert f'data-src="/incoming/{case.document.id}/files/{main.id}"' in page
    assert re.search(r"<script type=\"module\" src=\"/static/js/pdf-viewer.js\?v=[0-9a-f]{12}\">", page)
    assert "Mở tệp PDF" in page  # the plain link stays as the fallback


# NĐ 30 Phụ lục VI III.6.i
def test_api_prints_the_books_and_the_slip(
    client, incoming_office, signed_pdf, frozen_clock, api_token, create_user, create_agency
):
    office = incoming_office
    document = completed_document(office, frozen_clock, signed_pdf)
    clerk, leader = api_token(office.clerk), api_token(office.leader)
    register = client.get("/api/v1/incoming/register.pdf?year=2026&date_from=2026-11-23", headers=clerk)
    assert register.status_code == 200 and register.mimetype == "application/pdf"
    cover, table = text_of(register.data)[:2]
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in cover and "Từ số 01 đến số 01" in cover and "123/SNV-TCBC" in table
    follow_up = client.get("/api/v1/incoming/follow-up.pdf?year=2026", headers=leader)
    assert follow_up.status_code == 200 and "Hoàn thành ngày 26/11/2026" in text_of(follow_up.data)[1]
    slip = client.get(f"/api/v1/incoming/{document.id}/phieu.pdf", headers=api_token(office.spec_a1))
    assert slip.status_code == 200 and "Giao cho cá nhân: Võ Quốc Bảo" in text_of(slip.data)[0]

    specialist = api_token(office.spec_a1)
    for path in ("/api/v1/incoming/register.pdf", "/api/v1/incoming/follow-up.pdf"):
        refused = client.get(path, headers=specialist)
        assert refused.status_code == 403 and refused.json["code"] == "permission_denied"
    assert client.get("/api/v1/incoming/follow-up.pdf?year=abc", headers=clerk).status_code == 422
    stranger = api_token(create_user(roles=("van_thu",), agency=create_agency()))
    assert client.get(f"/api/v1/incoming/{document.id}/phieu.pdf", headers=stranger).status_code == 404
    spec = client.get("/api/v1/openapi.json").json["paths"]
    assert "application/pdf" in spec["/api/v1/incoming/follow-up.pdf"]["get"]["responses"]["200"]["content"]


def test_the_slip_keeps_whom_the_leader_named_after_that_person_gave_it_back(
    client, incoming_office, signed_pdf, frozen_clock
):
    office = incoming_office
    case = Procedure(office, frozen_clock, signed_pdf).register(when=at(23))
    case.direct(at(23, 15), lead_user_id=office.spec_a1.id, han_xu_ly="2026-11-27")
    handling.return_to_unit_leader(office.spec_a1, case.document.id, "Tôi đi công tác dài ngày.")
    handling.reassign_returned(office.unit_leader, case.document.id, office.spec_a2.id, "Đồng chí Ánh chủ trì thay.")
    login(client, "lanhdao")
    [slip] = text_of(client.get(f"/incoming/{case.document.id}/phieu.pdf").data)
    # Part 1 is what the leader wrote; part 2 says who handles it now, with the unit leader's words and name
    assert "Giao đơn vị, cá nhân chủ trì: Phòng Tổng hợp (Võ Quốc Bảo)" in slip
    assert f"Giao cho cá nhân: Võ Quốc Bảo; sau đó {office.spec_a2.full_name} giải quyết" in slip
    assert "Ý kiến: Đồng chí Ánh chủ trì thay." in slip and office.unit_leader.full_name in slip


def test_a_long_agency_name_breaks_before_the_place_on_the_slip(client, incoming_office, signed_pdf, frozen_clock):
    """NĐ 30/2020 Phụ lục I: the name may take two lines, centred, never cut inside a place's name."""
    office = incoming_office
    with unit_of_work():
        db.session.get(Agency, office.agency.id).name = "Sở Thông tin và Truyền thông tỉnh Kiên Giang"
    waiting = Procedure(office, frozen_clock, signed_pdf).register(when=at(23))
    login(client, "vanthu")
    pdf = client.get(f"/incoming/{waiting.document.id}/phieu.pdf").data
    lines = [line.strip() for line in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()]
    assert "TỈNH KIÊN GIANG" in lines, lines[:6]
    assert not any(line.endswith(("TỈNH KIÊN", "TỈNH")) for line in lines), lines[:6]
    # A name that would fill its column from edge to edge takes two lines too, clear of the Quốc hiệu
    with unit_of_work():
        db.session.get(Agency, office.agency.id).name = "Sở Tài chính tỉnh Kiên Giang"
    pdf = client.get(f"/incoming/{waiting.document.id}/phieu.pdf").data
    lines = [line.strip() for line in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()]
    assert "TỈNH KIÊN GIANG" in lines and not any(line.startswith("SỞ TÀI CHÍNH TỈNH") for line in lines), lines[:6]


def test_the_list_shows_each_deadline_and_marks_the_overdue_as_its_filter_finds_them(
    client, incoming_office, signed_pdf, frozen_clock
):
    office = incoming_office
    late = Procedure(office, frozen_clock, signed_pdf).register(when=at(23))
    late.direct(at(23, 16), lead_unit_id=office.unit_a.id, lead_user_id=office.spec_a1.id)
    on_time = Procedure(office, frozen_clock, signed_pdf, code_number="124").register()
    on_time.direct(at(23, 16), lead_unit_id=office.unit_a.id, lead_user_id=office.spec_a1.id)
    today = clock.to_local(clock.now()).date()
    with unit_of_work():
        db.session.get(IncomingDocument, late.document.id).handling_due = date.fromordinal(today.toordinal() - 1)
    login(client, "vanthu")
    page = client.get("/incoming").get_data(as_text=True)
    cells = re.findall(r'data-testid="handling-due">(.*?)</td>', page, re.S)
    assert len(cells) == 2 and sum("quá hạn" in cell for cell in cells) == 1, cells
    filtered = client.get("/incoming?overdue=1").get_data(as_text=True)
    assert filtered.count('data-testid="handling-due"') == 1 and "quá hạn" in filtered

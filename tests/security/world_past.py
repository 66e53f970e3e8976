"""A past for an owner the demo gives none (the matrix's sibling and downward directions own the Sở Tài chính).

app.demo_history and app.demo_dossiers give the province (ubnd) handled văn bản đến, sent văn bản đi, "Giao việc"
cases, a file plan, dossiers and a transfer to its archive; a Sở only receives the province's documents and files
them. `give_a_past` makes one of each of those for A through the same services and procedures, with A's own people
(world.people is A's username prefix), before tests/security/world.py picks A's rows with `one(query)`. None of the
values carries MARK: like the demo's past, they are told apart by their own text.
"""

from datetime import date, datetime, timedelta

from app.core import clock
from app.core.clock import LOCAL_TZ
from app.demo import DEMO_PASSWORD
from app.documents.uploads import Upload
from app.org import queries as org_queries
from app.signing.sample import draft_pdf


def give_a_past(w) -> None:
    _handled(w)
    _sent(w)
    _case(w)
    _plan(w)
    _dossiers(w)


def _person(w, suffix: str):
    return org_queries.find_user_by_username(f"{w.people}.{suffix}")


def _open_task(object_type: str, object_id, name: str):
    from app.workflow.models import HumanTask, TaskState

    return HumanTask.query.filter(
        HumanTask.object_type == object_type,
        HumanTask.object_id == str(object_id),
        HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED]),
        HumanTask.task_name == name,
    ).one()


def _pdf(w, subject: str, signer) -> bytes:
    return draft_pdf(
        agency_parent="",
        agency_name=w.a.name,
        notation_hint=f"{w.a.abbreviation}-QLNS",
        place="Rạch Giá",
        type_name=None,
        subject=subject[0].lower() + subject[1:],
        body=[f"{w.a.name} đề nghị các cơ quan, đơn vị thực hiện nội dung nêu trên."],
        signer_authority=None,
        signer_title=signer.position or "Giám đốc",
        signer_name=signer.full_name,
        recipients=["Ủy ban nhân dân thành phố Rạch Giá"],
    )


def _handled(w) -> None:
    """A paper văn bản đến received, registered, directed to the unit and assigned to its specialist."""
    from app.incoming import services as incoming
    from app.workflow import services as wf

    subject = "Về việc quyết toán kinh phí sự nghiệp môi trường năm 2025"
    document = incoming.receive_incoming(
        w.clerk,
        channel="paper",
        metadata={
            "sender_name": "Bộ Tài chính",
            "code_number": "3318",
            "code_notation": "BTC-QTMT",
            "issued_date": "2026-11-16",
            "type_name": "Công văn",
            "subject": subject,
            "page_count": "1",
        },
        uploads=[Upload("quyet-toan-moi-truong.pdf", _plain_pdf(subject), is_main=True)],
    )
    wf.complete_task(w.clerk, _open_task("incoming", document.id, "check_document").id, {}, outcome="tiep_nhan")
    values = {"sender_name": "Bộ Tài chính", "type_name": "Công văn", "subject": subject}
    wf.complete_task(w.clerk, _open_task("incoming", document.id, "register_document").id, values)
    direction = {
        "y_kien_chi_dao": "Giao Phòng Quản lý ngân sách chủ trì tham mưu.",
        "lead_unit_id": w.specialist.unit_id,
        "han_xu_ly": (clock.local_today() + timedelta(days=14)).isoformat(),
    }
    wf.complete_task(w.leader, _open_task("incoming", document.id, "direct_handling").id, direction)
    task = _open_task("incoming", document.id, "assign_specialist")
    wf.complete_task(w.unit_leader, task.id, {"lead_user_id": w.specialist.id})


def _plain_pdf(subject: str) -> bytes:
    from tests.signing import factories

    return factories.make_pdf(subject)


def _sent(w) -> None:
    """A Công văn drafted, reviewed, signed by A's head and issued to the city of Rạch Giá (neither B)."""
    from app.documents.models import RegisterKind
    from app.documents.services import default_register
    from app.outgoing import services as outgoing
    from app.workflow import services as wf

    subject = "Về việc hướng dẫn lập dự toán thu, chi ngân sách địa phương năm 2027"
    drafter, signer, rachgia = w.specialist, w.leader, "000.00.30.H33"
    document = outgoing.create_draft(
        drafter,
        metadata={
            "type_code": "CV",
            "subject": subject,
            "place": "Rạch Giá",
            "signer_id": signer.id,
            "signer_title": signer.position or "Giám đốc",
            "recipient_agency_codes": [rachgia],
        },
        upload=Upload("du-thao-du-toan.pdf", _pdf(w, subject, signer)),
    )
    outgoing.submit(drafter, document.id)
    wf.complete_task(w.unit_leader, _open_task("outgoing", document.id, "review_content").id, {}, outcome="approve")
    wf.complete_task(w.clerk, _open_task("outgoing", document.id, "check_format").id, {}, outcome="approve")
    sign = _open_task("outgoing", document.id, "approve_sign")
    wf.complete_task(signer, sign.id, {"pin": DEMO_PASSWORD}, outcome="sign")
    data = {"register_id": default_register(w.a.id, RegisterKind.OUTGOING).id, "notation": document.notation}
    wf.complete_task(w.clerk, _open_task("outgoing", document.id, "issue_document").id, data, outcome="issue")


def _case(w) -> None:
    """A "Giao việc" case of A's head, led by the specialist's unit (as app.demo._demo_cases does for ubnd)."""
    from app.workflow import services as workflow

    title = "Tổng hợp nhu cầu kinh phí chuyển đổi số của các phòng thuộc Sở năm 2027"
    workflow.start_process(
        w.leader,
        "work_assignment",
        object_type="demo",
        object_id=f"demo-{w.people}-1",
        title=title,
        data={"tieu_de": title, "don_vi_chu_tri": w.specialist.unit_id, "noi_dung": "Tổng hợp, báo cáo Giám đốc Sở."},
    )


def _plan(w) -> None:
    from app.dossiers import plan as plans
    from app.dossiers import plan_items

    plan = plans.create_plan(w.clerk, 2026, numbering="heading")
    heading = plan_items.add_heading(w.clerk, plan, title="QUẢN LÝ NGÂN SÁCH", abbreviation="QLNS")
    plan_items.add_entry(
        w.clerk,
        plan,
        heading_id=heading.id,
        title="Hồ sơ thẩm định dự toán ngân sách các huyện năm 2026",
        maintenance="05",
        responsible_id=w.specialist.id,
    )


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LOCAL_TZ)


def _dossiers(w) -> None:
    """An open dossier with one tài liệu (opened first: the world picks A's first dossier with items), and a 2025
    dossier closed and handed to A's archive."""
    from app.dossiers import items, services, transfer
    from app.dossiers.closing import CloseRequest, close

    def ad_hoc(title, notation, start, filename):
        dossier = services.open_ad_hoc(w.specialist, title=title, notation=notation, maintenance="05", start_date=start)
        items.file_upload(
            w.specialist, dossier.id, filename=filename, data=_plain_pdf(title), subject=title, dated_on=start
        )
        return dossier

    with clock.frozen(_at(2026, 1, 6, 9, 0)):
        ad_hoc("Hồ sơ thẩm tra quyết toán vốn đầu tư công năm 2026", "03.QLNS", date(2026, 1, 6), "tham-tra.pdf")
    with clock.frozen(_at(2025, 1, 6, 9, 0)):
        closed = ad_hoc("Hồ sơ điều hành ngân sách địa phương năm 2025", "07.QLNS", date(2025, 1, 6), "dieu-hanh.pdf")
    with clock.frozen(_at(2026, 1, 5, 9, 0)):
        close(w.specialist, closed, CloseRequest(end_date=date(2025, 12, 31)))
    with clock.frozen(_at(2026, 11, 20, 9, 0)):
        name = "Hồ sơ điều hành ngân sách năm 2025 của Phòng Quản lý ngân sách"
        transfer.submit(w.specialist, [closed.id], name=name)

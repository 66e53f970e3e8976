"""The demo's dossiers (issue 12): the provincial People's Committee's 2026 file plan, its people's dossiers and an
archive with a past, so that every page of the dossiers and the archive has something true to show.

All of it runs through the services under a clock frozen at fixed instants (never today's), once:

- 5/1/2026: the office (ubnd.vanthu) drafts the Danh mục hồ sơ 2026, numbered per main heading, and the head
  (ubnd.lanhdao) issues it with Quyết định số 05/QĐ-UBND;
- 6/1/2026: ubnd.chuyenvien opens "Hồ sơ theo dõi, đôn đốc thực hiện văn bản chỉ đạo của Trung ương" (02.TH) from
  the plan; after the history (app.demo_history) she files two of the văn bản đến she handled — the dossier stays
  open for the README's walk (close → nộp lưu → the archivist accepts);
- a 2014 dossier of 10 years (hội nghị văn thư, lưu trữ) closed in December 2014, handed over in March 2015 and
  accepted by the archivist: its retention ended, so it is on the list of dossiers eligible for destruction;
  a 2014 dossier kept permanently (Vĩnh viễn) beside it, never eligible;
- a 2025 dossier of ubnd.chuyenvien2 closed on 31/12/2025: its nộp lưu deadline is 31/12/2026, so the daily
  reminder (Phụ lục VI III.5.b, 30 days before) tells her at the scheduler's first run;
- a 2025 dossier of ubnd.chuyenvien submitted on 20/11/2026: waiting in the archivist's queue.
"""

from dataclasses import dataclass
from datetime import date, datetime

from app.core import clock
from app.core.clock import LOCAL_TZ

PLAN_DECISION = ("05/QĐ-UBND", date(2026, 1, 5))


@dataclass(frozen=True)
class Heading:
    title: str
    abbreviation: str
    entries: tuple[tuple[str, str, str | None], ...]  # (title, maintenance code, responsible username)


PLAN = (
    Heading(
        "HÀNH CHÍNH - TỔ CHỨC",
        "HCTC",
        (
            ("Hồ sơ tuyển dụng, tiếp nhận công chức năm 2026", "01", "ubnd.vanthu"),
            ("Hồ sơ thi đua, khen thưởng năm 2026", "05", "ubnd.vanthu"),
            ("Hồ sơ công tác văn thư, lưu trữ năm 2026", "06", "ubnd.luutru"),
        ),
    ),
    Heading(
        "TỔNG HỢP",
        "TH",
        (
            ("Hồ sơ xây dựng chương trình công tác năm 2026 của Ủy ban nhân dân tỉnh", "01", "ubnd.truongphong"),
            (
                "Hồ sơ theo dõi, đôn đốc thực hiện văn bản chỉ đạo của Trung ương năm 2026",
                "06",
                "ubnd.chuyenvien",
            ),
            ("Hồ sơ cải cách hành chính năm 2026", "05", "ubnd.chuyenvien"),
        ),
    ),
    Heading(
        "KINH TẾ",
        "KT",
        (
            ("Hồ sơ kế hoạch đầu tư công trung hạn giai đoạn 2026 - 2030", "01", "ubnd.chuyenvien2"),
            ("Hồ sơ quản lý, sử dụng ngân sách năm 2026", "05", "ubnd.chuyenvien2"),
        ),
    ),
    Heading(
        "VĂN HÓA - XÃ HỘI",
        "VX",
        (("Hồ sơ tổ chức các ngày lễ lớn năm 2026", "06", None),),
    ),
)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LOCAL_TZ)


def load_dossiers(agency) -> None:
    """Create the demo's plan and dossiers once (see the module docstring)."""
    from app.dossiers.plan import plan_of_year

    if plan_of_year(agency.id, 2026) is not None:
        return
    with clock.frozen(at(2026, 1, 5, 8, 30)):
        plan = _plan(agency)
    with clock.frozen(at(2026, 1, 6, 8, 0)):
        own = _open_from_plan(plan, "ubnd.chuyenvien", "02.TH")
    with clock.frozen(at(2026, 11, 30, 9, 0)):
        _file_handled(own, "ubnd.chuyenvien", 2)
    _archived_2014()
    _closed_2025()


def _user(username: str):
    from app.org import queries

    return queries.find_user_by_username(username)


def _plan(agency):
    from app.dossiers import plan as plans
    from app.dossiers import plan_items

    office, head = _user("ubnd.vanthu"), _user("ubnd.lanhdao")
    plan = plans.create_plan(office, 2026, numbering="heading")
    for spec in PLAN:
        heading = plan_items.add_heading(office, plan, title=spec.title, abbreviation=spec.abbreviation)
        for title, maintenance, username in spec.entries:
            person = _user(username) if username else None
            plan_items.add_entry(
                office,
                plan,
                heading_id=heading.id,
                title=title,
                maintenance=maintenance,
                responsible_id=person.id if person else None,
                responsible_unit_id=None if person else _unit(agency, "VX").id,
            )
    number, day = PLAN_DECISION
    return plans.approve_plan(head, plan, decision_number=number, decision_date=day)


def _unit(agency, abbreviation: str):
    from app.org.models import Unit

    return Unit.query.filter_by(agency_id=agency.id, abbreviation=abbreviation).one()


def _open_from_plan(plan, username: str, notation: str):
    from app.dossiers import services

    entry = next(e for e in plan.entries if e.notation == notation)
    return services.open_from_entry(_user(username), entry.id)


def _file_handled(dossier, username: str, how_many: int) -> None:
    """File the first completed văn bản đến the person led (the history's) by hand, as she would."""
    import sqlalchemy as sa

    from app.core.db import db
    from app.dossiers import items
    from app.incoming.models import IncomingDocument, IncomingStatus

    person = _user(username)
    documents = db.session.scalars(
        sa.select(IncomingDocument.id)
        .where(IncomingDocument.lead_user_id == person.id, IncomingDocument.status == IncomingStatus.COMPLETED)
        .order_by(IncomingDocument.arrived_at)
        .limit(how_many)
    ).all()
    for document_id in documents:
        items.file_document(person, dossier.id, "incoming", document_id)


def _pdf(title: str, lines: list[str], pages: int = 1) -> bytes:
    from app.signing.sample import draft_pdf

    return draft_pdf(
        agency_parent="",
        agency_name="Ủy ban nhân dân tỉnh Kiên Giang",
        notation_hint="UBND-HCTC",
        place="Rạch Giá",
        type_name="Báo cáo",
        subject=title,
        body=lines,
        signer_authority=None,
        signer_title="Chánh Văn phòng",
        signer_name="Nguyễn Văn An",
        recipients=["Lưu: VT"],
        pages=pages,
    )


def _ad_hoc(username: str, *, title: str, notation: str, maintenance: str, start: date, files: list[tuple]):
    from app.dossiers import items, services

    person = _user(username)
    dossier = services.open_ad_hoc(person, title=title, notation=notation, maintenance=maintenance, start_date=start)
    filed_at = clock.now()
    for filename, subject, dated_on, lines in files:
        # Filed once written: a tài liệu is not dated after the day it is filed (core.clock.future_problem).
        filed_at = max(filed_at, at(dated_on.year, dated_on.month, dated_on.day, 9, 0))
        with clock.frozen(filed_at):
            items.file_upload(
                person,
                dossier.id,
                filename=filename,
                data=_pdf(subject, lines),
                subject=subject,
                dated_on=dated_on,
                pages=1,
            )
    return dossier


def _close(username: str, dossier, end: date):
    from app.dossiers.closing import CloseRequest, close

    return close(_user(username), dossier, CloseRequest(end_date=end))


def _archived_2014() -> None:
    from app.dossiers import transfer

    clerk, archivist = "ubnd.chuyenvien", _user("ubnd.luutru")
    specs = (
        (
            "Hồ sơ hội nghị tổng kết công tác văn thư, lưu trữ năm 2014",
            "15.HCTC",
            "06",
            [
                ("bao-cao-tong-ket.pdf", "Báo cáo tổng kết công tác văn thư, lưu trữ năm 2014", date(2014, 12, 10)),
                ("giay-moi.pdf", "Giấy mời dự hội nghị tổng kết công tác văn thư, lưu trữ", date(2014, 12, 1)),
            ],
        ),
        (
            "Hồ sơ ban hành Quy chế công tác văn thư, lưu trữ của Ủy ban nhân dân tỉnh",
            "16.HCTC",
            "01",
            [("quy-che.pdf", "Quyết định ban hành Quy chế công tác văn thư, lưu trữ", date(2014, 6, 20))],
        ),
    )
    made = []
    for title, notation, maintenance, files in specs:
        with clock.frozen(at(2014, 6, 2, 9, 0)):
            dossier = _ad_hoc(
                clerk,
                title=title,
                notation=notation,
                maintenance=maintenance,
                start=date(2014, 6, 2),
                files=[(name, subject, day, [f"{subject}."]) for name, subject, day in files],
            )
        with clock.frozen(at(2014, 12, 22, 9, 0)):
            made.append(_close(clerk, dossier, date(2014, 12, 19)))
    with clock.frozen(at(2015, 3, 10, 9, 0)):
        handed = transfer.submit(
            _user(clerk),
            [d.id for d in made],
            name="Hồ sơ công tác văn thư, lưu trữ năm 2014 của Phòng Hành chính - Tổ chức",
        )
    with clock.frozen(at(2015, 3, 12, 9, 0)):
        for entry in handed.entries:
            transfer.accept(archivist, handed.id, entry.id)


def _closed_2025() -> None:
    from app.dossiers import transfer

    with clock.frozen(at(2025, 1, 6, 9, 0)):
        waiting = _ad_hoc(
            "ubnd.chuyenvien2",
            title="Hồ sơ quản lý, sử dụng ngân sách năm 2025",
            notation="08.KT",
            maintenance="05",
            start=date(2025, 1, 6),
            files=[
                ("du-toan.pdf", "Báo cáo dự toán ngân sách năm 2025", date(2025, 1, 6), ["Dự toán ngân sách 2025."])
            ],
        )
        submitted = _ad_hoc(
            "ubnd.chuyenvien",
            title="Hồ sơ cải cách hành chính năm 2025",
            notation="06.TH",
            maintenance="05",
            start=date(2025, 1, 6),
            files=[
                ("ke-hoach-cchc.pdf", "Kế hoạch cải cách hành chính năm 2025", date(2025, 1, 10), ["Kế hoạch CCHC."]),
                ("bao-cao-cchc.pdf", "Báo cáo kết quả cải cách hành chính năm 2025", date(2025, 12, 15), ["Kết quả."]),
            ],
        )
    with clock.frozen(at(2026, 1, 5, 9, 0)):
        _close("ubnd.chuyenvien2", waiting, date(2025, 12, 31))
        _close("ubnd.chuyenvien", submitted, date(2025, 12, 31))
    with clock.frozen(at(2026, 11, 20, 9, 0)):
        transfer.submit(
            _user("ubnd.chuyenvien"), [submitted.id], name="Hồ sơ cải cách hành chính năm 2025 của Phòng Tổng hợp"
        )

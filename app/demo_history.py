"""Demo history: eight weeks of work at the province (UBND tỉnh Kiên Giang) before the demo's fixed instants, so
that the leaders' reports (app.reports) have something to show.

Everything runs through the real procedures (incoming.bpmn, outgoing.bpmn) under a frozen clock moved from one
fixed instant to the next — never the wall clock — so the same figures come out on every machine and every day.
Done once: the first history document's subject marks it (the demo runs in one unit of work, so it is all or none).

Working hours: 07:30–11:30, 13:30–17:00, Monday to Friday; Tuesday 24/11/2026 is a holiday (app.sla).
"""

from dataclasses import dataclass
from datetime import date, datetime

from app.core.clock import LOCAL_TZ

# The PKI of the demo is issued before the history starts, so that the leaders' history signatures are valid.
HISTORY_STARTS = datetime(2026, 10, 1, 7, 0, tzinfo=LOCAL_TZ)
# Where the history ends: Friday 27/11/2026 17:30, before the untouched document of app.demo arrives.
HISTORY_ENDS = datetime(2026, 11, 27, 17, 30, tzinfo=LOCAL_TZ)
PERIOD = ("2026-10-01", "2026-11-30")  # a report period covering it all


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


@dataclass(frozen=True)
class Incoming:
    arrived: tuple[int, int, int]  # month, day, hour
    sender: tuple[str, str, str]  # mã định danh, name, notation
    type_name: str
    subject: str
    due: tuple[int, int]  # handling deadline: month, day (17:00 of that day)
    done: tuple[int, int, int] | None  # completed at (month, day, hour); None: still open
    lead: str = "TH"  # TH: Phòng Tổng hợp (its Trưởng phòng assigns); KT: Phòng Kinh tế (its specialist named)
    urgency: str = "thuong"


VPCP = ("000.00.00.G22", "Văn phòng Chính phủ", "VPCP-KSTT")
BNV = ("000.00.00.G09", "Bộ Nội vụ", "BNV-VTLTNN")
BTC = ("000.00.00.G10", "Bộ Tài chính", "BTC-NSNN")
BTTTT = ("000.00.00.G14", "Bộ Thông tin và Truyền thông", "BTTTT-CĐSQG")
SNV = ("000.00.01.H33", "Sở Nội vụ tỉnh Kiên Giang", "SNV-TCBC")
STC = ("000.00.02.H33", "Sở Tài chính tỉnh Kiên Giang", "STC-QLNS")
RG = ("000.00.30.H33", "Ủy ban nhân dân thành phố Rạch Giá", "UBND-VP")

# 24 documents: 14 on time, 6 late, 3 open and overdue at the end of the history, 1 open and not yet due. The open
# ones wait with Phòng Kinh tế's specialist, so that Phòng Tổng hợp's inboxes hold only the demo's own walk-throughs.
INCOMING = (
    Incoming((10, 5, 8), BNV, "Công văn", "Về việc hướng dẫn quản lý văn bản điện tử và lập hồ sơ điện tử",
             (10, 9), (10, 8, 15)),
    Incoming((10, 6, 9), STC, "Công văn", "Về việc đề nghị bổ sung dự toán kinh phí chuyển đổi số năm 2026",
             (10, 13), (10, 12, 10), "KT"),
    Incoming((10, 7, 14), VPCP, "Công văn", "Về việc thực hiện Nghị định 30/2020/NĐ-CP về công tác văn thư",
             (10, 14), (10, 16, 9)),  # late
    Incoming((10, 8, 8), SNV, "Tờ trình", "Về việc phê duyệt kế hoạch tuyển dụng công chức năm 2026",
             (10, 15), (10, 14, 16)),
    Incoming((10, 12, 10), RG, "Báo cáo", "Báo cáo kết quả triển khai phần mềm quản lý văn bản và điều hành quý III",
             (10, 19), (10, 19, 15)),
    Incoming((10, 14, 8), BTTTT, "Công văn", "Về việc kết nối, liên thông trục LGSP với trục quốc gia NDXP",
             (10, 21), (10, 23, 10), "KT"),  # late
    Incoming((10, 15, 9), STC, "Công văn", "Về việc rà soát, báo cáo tình hình giải ngân vốn đầu tư công",
             (10, 16), (10, 16, 11), "KT", "khan"),
    Incoming((10, 19, 8), SNV, "Công văn", "Về việc báo cáo số lượng, chất lượng cán bộ, công chức cấp xã",
             (10, 26), (10, 23, 16)),
    Incoming((10, 20, 13), BNV, "Công văn", "Về việc thống kê tài liệu lưu trữ và hồ sơ nộp lưu năm 2026",
             (10, 27), (10, 29, 9)),  # late
    Incoming((10, 22, 8), RG, "Tờ trình", "Về việc điều chỉnh quy hoạch chi tiết khu đô thị mới lấn biển Rạch Giá",
             (10, 30), (10, 29, 14), "KT"),
    Incoming((10, 26, 9), BTC, "Công văn", "Về việc hướng dẫn xây dựng dự toán ngân sách nhà nước năm 2027",
             (11, 2), (10, 30, 10), "KT"),
    Incoming((10, 28, 14), VPCP, "Công văn", "Về việc đẩy mạnh gửi, nhận văn bản điện tử có ký số",
             (10, 29), (10, 29, 10), "TH", "thuong_khan"),
    Incoming((11, 2, 8), SNV, "Công văn", "Về việc góp ý dự thảo quy chế văn hóa công vụ tại cơ quan",
             (11, 6), (11, 6, 15)),
    Incoming((11, 3, 10), STC, "Báo cáo", "Báo cáo tình hình thu, chi ngân sách tỉnh 10 tháng năm 2026",
             (11, 10), (11, 12, 9), "KT"),  # late
    Incoming((11, 5, 8), RG, "Công văn", "Về việc đề nghị hỗ trợ kinh phí khắc phục sạt lở bờ biển phường An Hòa",
             (11, 12), (11, 11, 10), "KT"),
    Incoming((11, 9, 9), BNV, "Công văn", "Về việc triển khai Đề án 06 về dữ liệu dân cư, định danh điện tử",
             (11, 16), (11, 13, 16)),
    Incoming((11, 10, 8), BTTTT, "Công văn", "Về việc đánh giá chỉ số chuyển đổi số cấp tỉnh năm 2026",
             (11, 17), (11, 19, 10)),  # late
    Incoming((11, 12, 14), VPCP, "Công văn", "Về việc báo cáo tình hình thực hiện nhiệm vụ Chính phủ giao",
             (11, 13), (11, 13, 11), "TH", "hoa_toc"),
    Incoming((11, 16, 8), SNV, "Tờ trình", "Về việc sắp xếp tổ chức bộ máy các đơn vị sự nghiệp công lập",
             (11, 23), (11, 20, 15)),
    Incoming((11, 17, 9), RG, "Báo cáo", "Báo cáo công tác cải cách hành chính năm 2026 của thành phố Rạch Giá",
             (11, 20), (11, 25, 10)),  # late
    Incoming((11, 18, 8), STC, "Công văn", "Về việc thẩm định phương án giá dịch vụ thu gom rác thải sinh hoạt",
             (11, 25), None, "KT"),  # open, overdue since Wednesday
    Incoming((11, 19, 10), BNV, "Công văn", "Về việc rà soát danh mục hồ sơ lưu trữ điện tử năm 2027",
             (11, 26), None, "KT"),  # open, overdue since Thursday
    Incoming((11, 23, 8), BTC, "Công văn", "Về việc báo cáo tình hình quản lý, sử dụng tài sản công",
             (11, 25), None, "KT", "khan"),  # urgent, open and overdue
    Incoming((11, 25, 9), SNV, "Công văn", "Về việc tổng hợp nhu cầu đào tạo, bồi dưỡng công chức năm 2027",
             (12, 4), None, "KT"),  # open, not yet due
)  # fmt: skip


@dataclass(frozen=True)
class Outgoing:
    issued: tuple[int, int, int]  # month, day, hour: signed and issued
    subject: str
    recipients: tuple[str, ...]  # keys of app.demo.AGENCIES
    accepted_after: dict  # recipient key → working hours after arrival when its clerk accepts it (03)
    refused: dict | None = None  # recipient key → reason its clerk returns it with (02)


OUTGOING = (
    Outgoing((10, 9, 9), "Về việc triển khai gửi, nhận văn bản điện tử trên phần mềm quản lý văn bản",
             ("snv", "stc", "rachgia"), {"snv": 1, "stc": 3, "rachgia": 6}),
    Outgoing((10, 21, 14), "Về việc báo cáo tình hình ứng dụng chữ ký số chuyên dùng năm 2026",
             ("snv", "stc"), {"snv": 2, "stc": 8}),
    Outgoing((11, 4, 10), "Về việc giao chỉ tiêu biên chế công chức năm 2027", ("snv", "rachgia"),
             {"snv": 1}, {"rachgia": "Nội dung thuộc thẩm quyền của Sở Nội vụ, đề nghị gửi đúng nơi nhận"}),
    Outgoing((11, 11, 15), "Về việc lập dự toán ngân sách năm 2027 của các sở, ngành", ("stc", "rachgia"),
             {"stc": 4, "rachgia": 12}),
    Outgoing((11, 18, 9), "Về việc tổ chức Hội nghị tổng kết công tác cải cách hành chính năm 2026",
             ("snv", "stc", "rachgia"), {"snv": 2, "stc": 5}),  # Rạch Giá never accepts it
    Outgoing((11, 25, 14), "Về việc chuẩn bị báo cáo kinh tế - xã hội năm 2026", ("snv", "stc"),
             {"snv": 3}),  # STC has not accepted it yet
)  # fmt: skip


def load_history(agencies: dict, password: str) -> None:
    """Run the history once (see the module docstring); `agencies`: app.demo's key → Agency."""
    from app.core import clock
    from app.core.errors import NotFound
    from app.incoming.models import IncomingDocument
    from app.workflow.definitions import newest_version

    province = agencies["ubnd"]
    try:
        newest_version("incoming", province.id)
        newest_version("outgoing", province.id)
    except NotFound:
        return  # processes not deployed (`qlvb processes sync` first)
    if IncomingDocument.query.filter_by(agency_id=province.id, subject=INCOMING[0].subject).first():
        return
    if not _leader_can_sign_at(HISTORY_STARTS):
        return  # demo keys issued before the history existed: signatures in the past would not verify
    events: list[tuple[datetime, int, object]] = []
    for number, spec in enumerate(INCOMING, start=1):
        events += _incoming_events(province, spec, number)
    for spec in OUTGOING:
        events += _outgoing_events(agencies, spec, password)
    pending = sorted(events, key=lambda e: (e[0], e[1]))
    while pending:  # a step may schedule later ones (the recipients' answers): keep the list in time order
        instant, _order, step = pending.pop(0)
        with clock.frozen(instant):
            later = step() or []
        if later:
            pending = sorted(pending + later, key=lambda e: (e[0], e[1]))
    # The scheduler would have run all along: fire the ladder (app.escalation) for what is overdue by the end, so
    # that the README's `qlvb escalate --now …` walk shows only the untouched document of app.demo.
    from app.escalation.scan import escalate

    with clock.frozen(HISTORY_ENDS):
        escalate(HISTORY_ENDS)


def _leader_can_sign_at(instant: datetime) -> bool:
    from app.org import queries
    from app.signing.models import CredentialKind, SigningCredential

    leader = queries.find_user_by_username("ubnd.lanhdao")
    credential = SigningCredential.query.filter_by(user_id=leader.id, kind=CredentialKind.PERSONAL.value).first()
    return credential is not None and credential.not_before <= instant


def _user(username: str):
    from app.org import queries

    return queries.find_user_by_username(username)


def _open_task(object_type: str, object_id, name: str | None = None):
    from app.workflow.models import HumanTask, TaskState

    tasks = HumanTask.query.filter(
        HumanTask.object_type == object_type,
        HumanTask.object_id == str(object_id),
        HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED]),
    ).order_by(HumanTask.id)
    return next(t for t in tasks if name is None or t.task_name == name)


def _pdf(code: str, sender_name: str, notation: str, subject: str, recipient: str) -> bytes:
    ministry = ".G" in code  # mã định danh of a ministry (000.00.00.Gxx): signed in Hà Nội by a deputy minister
    from app.signing.sample import draft_pdf

    return draft_pdf(
        agency_parent="",
        agency_name=sender_name,
        notation_hint=notation,
        place="Hà Nội" if ministry else "Rạch Giá",
        type_name=None,
        subject=subject[0].lower() + subject[1:],
        body=[f"{sender_name} đề nghị {recipient} xem xét, chỉ đạo thực hiện nội dung nêu trên."],
        signer_authority=None,
        signer_title="Thứ trưởng" if ministry else "Giám đốc",
        signer_name="Nguyễn Văn An",
        recipients=[recipient],
    )


def _incoming_events(province, spec: Incoming, number: int) -> list:
    """Arrival, check and registration by the clerk, direction by a leader, assignment, and the handling."""
    from datetime import timedelta

    from app.documents.uploads import Upload
    from app.incoming import services as incoming
    from app.workflow import services as wf

    arrived = at(*spec.arrived)
    code, sender, notation = spec.sender
    state = {}
    clerk, unit_leader = _user("ubnd.vanthu"), _user("ubnd.truongphong")
    leader = _user("ubnd.lanhdao" if number % 3 else "ubnd.phochutich")
    specialist = _user("ubnd.chuyenvien2" if spec.lead == "KT" else "ubnd.chuyenvien")
    lead_unit = specialist.unit_id

    def receive():
        state["id"] = incoming.receive_incoming(
            clerk,
            channel="electronic",
            metadata={
                "sender_code": code,
                "sender_name": sender,
                "code_number": str(100 + 7 * number),
                "code_notation": notation,
                "issued_date": (arrived - timedelta(days=2)).date().isoformat(),
                "type_name": spec.type_name,
                "subject": spec.subject,
                "urgency": spec.urgency,
                "signer_position": "Giám đốc" if code.endswith("H33") else "Thứ trưởng",
                "page_count": "2",
            },
            uploads=[Upload(f"van-ban-{number}.pdf", _pdf(code, sender, notation, spec.subject, province.name), True)],
        ).id

    def check():
        wf.complete_task(clerk, _open_task("incoming", state["id"]).id, {}, outcome="tiep_nhan")

    def register():
        values = {"sender_name": sender, "type_name": spec.type_name, "subject": spec.subject}
        wf.complete_task(clerk, _open_task("incoming", state["id"]).id, values)

    def direct():
        unit = "Phòng Kinh tế" if spec.lead == "KT" else "Phòng Tổng hợp"
        data = {
            "y_kien_chi_dao": f"Giao {unit} chủ trì tham mưu, báo cáo trước ngày {spec.due[1]:02d}/{spec.due[0]:02d}.",
            "lead_unit_id": lead_unit,
            "han_xu_ly": date(2026, *spec.due).isoformat(),
        }
        if spec.lead == "KT":  # Phòng Kinh tế has no Trưởng phòng in the demo: the leader names the specialist
            data["lead_user_id"] = specialist.id
        wf.complete_task(leader, _open_task("incoming", state["id"]).id, data)

    def assign():
        if spec.lead != "KT":
            task = _open_task("incoming", state["id"], "assign_specialist")
            wf.complete_task(unit_leader, task.id, {"lead_user_id": specialist.id})

    def handle():
        task = _open_task("incoming", state["id"], "handle_document")
        result = "Đã tham mưu văn bản trả lời, trình lãnh đạo ký ban hành."
        wf.complete_task(specialist, task.id, {"ket_qua": result}, outcome="hoan_thanh")

    minutes = 5 if spec.urgency != "thuong" else 15  # văn bản khẩn: at once (NĐ 30/2020 Điều 4.2.c)
    steps = [(0, receive), (minutes, check), (2 * minutes, register), (4 * minutes, direct), (6 * minutes, assign)]
    events = [(arrived + timedelta(minutes=m), number * 10 + i, step) for i, (m, step) in enumerate(steps)]
    if spec.done:
        events.append((at(*spec.done), number * 10 + 9, handle))
    return events


def _outgoing_events(agencies: dict, spec: Outgoing, password: str) -> list:
    """Drafted, reviewed, signed and issued in the morning; each recipient's clerk answers later (03 or 02)."""
    from datetime import timedelta

    from app.documents.models import RegisterKind
    from app.documents.services import default_register
    from app.documents.uploads import Upload
    from app.outgoing import services as outgoing
    from app.signing.sample import draft_pdf
    from app.workflow import services as wf

    province = agencies["ubnd"]
    issued = at(*spec.issued)
    drafter, unit_leader = _user("ubnd.chuyenvien"), _user("ubnd.truongphong")
    clerk, signer = _user("ubnd.vanthu"), _user("ubnd.lanhdao")
    receivers = [agencies[key] for key in spec.recipients]
    order = 10_000 + spec.issued[0] * 100 + spec.issued[1]
    state = {}

    def draft():
        pdf = draft_pdf(
            agency_parent="",
            agency_name=province.name,
            notation_hint="UBND-TH",
            place="Rạch Giá",
            type_name=None,
            subject=spec.subject[0].lower() + spec.subject[1:],
            body=[f"Ủy ban nhân dân tỉnh đề nghị các cơ quan, đơn vị thực hiện nội dung: {spec.subject[7:]}."],
            signer_authority=None,
            signer_title=signer.position or "Chủ tịch",
            signer_name=signer.full_name,
            recipients=[r.name for r in receivers],
        )
        document = outgoing.create_draft(
            drafter,
            metadata={
                "type_code": "CV",
                "subject": spec.subject,
                "place": "Rạch Giá",
                "drafting_unit_id": drafter.unit_id,
                "signer_id": signer.id,
                "signer_title": signer.position or "Chủ tịch",
                "recipient_agency_codes": [r.code for r in receivers],
            },
            upload=Upload("du-thao.pdf", pdf),
        )
        state["id"] = document.id
        outgoing.submit(drafter, document.id)

    def review():
        wf.complete_task(unit_leader, _open_task("outgoing", state["id"], "review_content").id, {}, outcome="approve")
        wf.complete_task(clerk, _open_task("outgoing", state["id"], "check_format").id, {}, outcome="approve")

    def sign():
        task = _open_task("outgoing", state["id"], "approve_sign")
        wf.complete_task(signer, task.id, {"pin": password}, outcome="sign")

    def issue():
        from app.core.db import db
        from app.outgoing.models import OutgoingDocument

        document = db.session.get(OutgoingDocument, state["id"])
        data = {"register_id": default_register(province.id, RegisterKind.OUTGOING).id, "notation": document.notation}
        wf.complete_task(clerk, _open_task("outgoing", state["id"], "issue_document").id, data, outcome="issue")
        return [answer for recipient in document.recipients for answer in _answers(spec, recipient, agencies)]

    return [
        (issued - timedelta(minutes=80), order, draft),
        (issued - timedelta(minutes=60), order, review),
        (issued - timedelta(minutes=20), order, sign),
        (issued, order, issue),
    ]


def _answers(spec: Outgoing, recipient, agencies: dict) -> list:
    """The receiving clerk's check of the delivered document, so many working hours after it arrived."""
    from app.incoming.models import IncomingDocument
    from app.sla.calendar import due
    from app.workflow import services as wf

    key = next(k for k, a in agencies.items() if a.id == recipient.agency_id)
    hours = spec.accepted_after.get(key)
    reason = (spec.refused or {}).get(key)
    if hours is None and reason is None:
        return []  # never opened: the 01 sent on arrival is all the sender has
    clerk = _user(f"{key}.vanthu")
    arrived = IncomingDocument.query.filter_by(agency_id=recipient.agency_id, message_id=recipient.message_id).one()

    def answer():
        task = _open_task("incoming", arrived.id, "check_document")
        if reason:
            wf.complete_task(clerk, task.id, {"ly_do_tra_lai": reason}, outcome="tra_lai")
            return
        wf.complete_task(clerk, task.id, {}, outcome="tiep_nhan")
        values = {"sender_name": arrived.sender_name, "type_name": arrived.type_name, "subject": arrived.subject}
        wf.complete_task(clerk, _open_task("incoming", arrived.id).id, values)

    when = due(recipient.dispatched_at, f"PT{hours or 2}H", recipient.agency_id)
    return [(when, 20_000 + recipient.id, answer)]

"""Demo data: one province (Kiên Giang) with its People's Committee, two departments and one city.

Content comes from the seed regulations (seed 001: Kiên Giang QĐ 278/QĐ-UBND and the Rạch Giá unit list).
Idempotent: objects are looked up by mã định danh / username and never changed once they exist.
"""

from dataclasses import dataclass

from app.demo_dossiers import load_dossiers
from app.demo_history import HISTORY_STARTS, load_history
from app.org import queries, services
from app.org.models import Role

DEMO_PASSWORD = "QlvbDemo@2026"


@dataclass(frozen=True)
class DemoAgency:
    key: str
    code: str
    name: str
    abbreviation: str
    parent: str | None
    address: str
    email: str
    phone: str
    units: tuple[tuple[str, str], ...]


AGENCIES = (
    DemoAgency(
        "ubnd",
        "000.00.00.H33",
        "Ủy ban nhân dân tỉnh Kiên Giang",
        "UBND",
        None,
        "06 Nguyễn Công Trứ, phường Vĩnh Thanh, thành phố Rạch Giá, tỉnh Kiên Giang",
        "vpubnd@kiengiang.gov.vn",
        "0297 3862 178",
        (
            ("Phòng Hành chính - Tổ chức", "HCTC"),
            ("Phòng Tổng hợp", "TH"),
            ("Phòng Kinh tế", "KT"),
            ("Phòng Văn hóa - Xã hội", "VX"),
        ),
    ),
    DemoAgency(
        "snv",
        "000.00.01.H33",
        "Sở Nội vụ tỉnh Kiên Giang",
        "SNV",
        "ubnd",
        "Số 1 Lê Lợi, phường Vĩnh Thanh Vân, thành phố Rạch Giá",
        "snv@kiengiang.gov.vn",
        "0297 3862 340",
        (
            ("Văn phòng Sở", "VP"),
            ("Phòng Tổ chức, biên chế", "TCBC"),
            ("Phòng Công chức, viên chức", "CCVC"),
            ("Chi cục Văn thư - Lưu trữ", "VTLT"),
        ),
    ),
    DemoAgency(
        "stc",
        "000.00.02.H33",
        "Sở Tài chính tỉnh Kiên Giang",
        "STC",
        "ubnd",
        "Số 2 Nguyễn Công Trứ, phường Vĩnh Thanh, thành phố Rạch Giá",
        "stc@kiengiang.gov.vn",
        "0297 3862 200",
        (("Văn phòng Sở", "VP"), ("Phòng Quản lý ngân sách", "QLNS"), ("Phòng Tài chính đầu tư", "TCĐT")),
    ),
    DemoAgency(
        "rachgia",
        "000.00.30.H33",
        "Ủy ban nhân dân thành phố Rạch Giá",
        "UBND",
        "ubnd",
        "Số 5 Huỳnh Tịnh Của, phường Vĩnh Thanh, thành phố Rạch Giá",
        "rachgia@kiengiang.gov.vn",
        "02973 862 082",
        (
            ("Văn phòng HĐND và UBND thành phố", "VP"),
            ("Phòng Nội vụ thành phố", "PNV"),
            ("Phòng Tài chính - Kế hoạch thành phố", "TCKH"),
            ("Phòng Quản lý đô thị thành phố", "QLĐT"),
        ),
    ),
)

# (username suffix, position, unit index or None, roles)
PEOPLE = (
    ("vanthu", "Văn thư", 0, [Role.CLERK]),
    ("lanhdao", "Chủ tịch", None, [Role.AGENCY_LEADER]),
    ("phochutich", "Phó Chủ tịch", None, [Role.AGENCY_LEADER]),
    ("truongphong", "Trưởng phòng", 1, [Role.UNIT_LEADER]),
    ("chuyenvien", "Chuyên viên", 1, [Role.SPECIALIST]),
    ("chuyenvien2", "Chuyên viên", 2, [Role.SPECIALIST]),
    ("luutru", "Lưu trữ viên", 0, [Role.ARCHIVIST]),
    ("quantri", "Chuyên viên công nghệ thông tin", 0, [Role.ADMIN, Role.DESIGNER]),
)
NAMES = {
    "ubnd": (
        "Nguyễn Thị Thu Hà",
        "Trần Văn Minh",
        "Lê Hoàng Phúc",
        "Phạm Thị Lan",
        "Võ Quốc Bảo",
        "Đặng Ngọc Ánh",
        "Huỳnh Văn Tâm",
        "Bùi Thanh Tùng",
    ),
    "snv": (
        "Lý Thị Mỹ Duyên",
        "Dương Văn Hùng",
        "Ngô Thanh Sơn",
        "Trịnh Thị Kim Oanh",
        "Phan Minh Trí",
        "Mai Thị Hồng Nhung",
        "Châu Văn Lợi",
        "Tạ Quang Vinh",
    ),
    "stc": (
        "Hồ Thị Bích Ngọc",
        "Lâm Văn Thành",
        "Quách Ngọc Hải",
        "Đỗ Thị Thanh Thủy",
        "Kiều Văn Nam",
        "Tôn Nữ Diệu Linh",
        "Vương Văn Phát",
        "La Hoàng Khang",
    ),
    "rachgia": (
        "Thái Thị Cẩm Tú",
        "Nguyễn Văn Đức",
        "Trương Hữu Nghĩa",
        "Lư Thị Ngọc Trâm",
        "Danh Sơn",
        "Thị Sa Rên",
        "Lê Văn Út",
        "Phạm Quốc Cường",
    ),
}
LEADER_TITLES = {"snv": ("Giám đốc Sở", "Phó Giám đốc Sở"), "stc": ("Giám đốc Sở", "Phó Giám đốc Sở")}
# Staff of the units PEOPLE leaves empty, so that every unit has a leader to assign its work and a specialist to
# take it (a leader may pick any unit as lead or coordinating; an empty one would be refused). A unit the agency
# does not have (index past its units) is skipped.
STAFF = (
    ("chanhvanphong", "Chánh Văn phòng", 0, [Role.UNIT_LEADER]),
    ("chuyenvienvp", "Chuyên viên", 0, [Role.SPECIALIST]),
    ("truongphong2", "Trưởng phòng", 2, [Role.UNIT_LEADER]),
    ("truongphong3", "Trưởng phòng", 3, [Role.UNIT_LEADER]),
    ("chuyenvien3", "Chuyên viên", 3, [Role.SPECIALIST]),
)
STAFF_NAMES = {
    "ubnd": ("Cao Thị Mỹ Hạnh", "Lương Văn Khải", "Đinh Công Thắng", "Hà Thị Ngọc Bích", "Triệu Văn Long"),
    "snv": ("Nguyễn Thị Hồng Vân", "Lê Minh Khoa", "Phạm Văn Toàn", "Trần Thị Thu Trang", "Huỳnh Quốc Việt"),
    "stc": ("Võ Thị Ngọc Hân", "Đoàn Văn Lộc", "Tăng Minh Phụng", "", ""),
    "rachgia": ("Lê Thị Kim Chi", "Nguyễn Hoàng Anh", "Trần Văn Hậu", "Phan Thị Diễm", "Chau Sóc Khum"),
}
UNIT_LEADER_TITLES = {("snv", 3): "Chi cục trưởng"}  # the head of a chi cục is not a trưởng phòng


def _people_of(spec: DemoAgency, unit_count: int) -> list[tuple[str, str, int | None, list[Role], str]]:
    """(suffix, position, unit index, roles, full name) of an agency's demo accounts: PEOPLE, then STAFF."""
    people = []
    for (suffix, position, unit_index, roles), full_name in zip(PEOPLE, NAMES[spec.key], strict=True):
        if spec.key in LEADER_TITLES and suffix in ("lanhdao", "phochutich"):
            position = LEADER_TITLES[spec.key][0 if suffix == "lanhdao" else 1]
        people.append((suffix, position, unit_index, roles, full_name))
    for (suffix, position, unit_index, roles), full_name in zip(STAFF, STAFF_NAMES[spec.key], strict=True):
        if unit_index < unit_count:
            if Role.UNIT_LEADER in roles:
                position = UNIT_LEADER_TITLES.get((spec.key, unit_index), position)
            people.append((suffix, position, unit_index, roles, full_name))
    return people


def load_demo() -> list[tuple[str, str, str]]:
    """Create what is missing; return (username, roles, agency) for every demo account."""
    agencies = {}
    for spec in AGENCIES:
        agency = queries.find_agency_by_code(spec.code)
        if agency is None:
            agency = services.create_agency(
                None,
                code=spec.code,
                name=spec.name,
                abbreviation=spec.abbreviation,
                parent_id=agencies[spec.parent].id if spec.parent else None,
                address=spec.address,
                email=spec.email,
                phone=spec.phone,
            )
        agencies[spec.key] = agency
        from app.documents.models import RegisterKind
        from app.documents.services import default_register

        default_register(agency.id, RegisterKind.INCOMING)  # sổ văn bản đến, created once
        existing = {unit.name: unit for unit in agency.units}
        units = []
        for name, abbreviation in spec.units:
            unit = existing.get(name) or services.create_unit(
                None, agency_id=agency.id, name=name, abbreviation=abbreviation
            )
            units.append(unit)
        for suffix, position, unit_index, roles, full_name in _people_of(spec, len(units)):
            username = f"{spec.key}.{suffix}"
            if queries.find_user_by_username(username) is None:
                services.create_user(
                    None,
                    username=username,
                    full_name=full_name,
                    password=DEMO_PASSWORD,
                    agency_id=agency.id,
                    roles=[r.value for r in roles],
                    position=position,
                    unit_id=units[unit_index].id if unit_index is not None else None,
                    email=f"{username}@demo.kiengiang.gov.vn",
                )
    _demo_signing(list(agencies.values()))
    load_history(agencies, DEMO_PASSWORD)  # eight weeks of work before the demo's instants, for the reports
    _demo_cases(agencies["ubnd"])
    _demo_outgoing(agencies["ubnd"], [agencies["snv"], agencies["stc"]])
    _demo_untouched(agencies["ubnd"])
    load_dossiers(agencies["ubnd"])  # the 2026 file plan, dossiers, an archive with a past (app.demo_dossiers)
    _demo_directory()
    return [
        (f"{spec.key}.{suffix}", ", ".join(r.label for r in roles), spec.name)
        for spec in AGENCIES
        for suffix, _p, _u, roles, _n in _people_of(spec, len(spec.units))
    ]


# Agencies outside the demo province, in the exchange's directory (danh bạ liên thông), with their codes under
# QĐ 20/2020 as amended by QĐ 09/2025 (legal.md §4.1, §4.1a). None has a connector in the demo: their packages are
# exported to files. The merged pairs show QĐ 09/2025: the closed code stays and leads to the one that replaced it.
DEMO_DIRECTORY = (
    ("000.00.00.G22", "Văn phòng Chính phủ", None),
    ("000.00.00.G09", "Bộ Nội vụ", None),
    ("000.00.00.G06", "Bộ Khoa học và Công nghệ", None),
    ("000.00.00.G14", "Bộ Thông tin và Truyền thông", "000.00.00.G06"),  # hợp nhất vào Bộ KH&CN (2025)
    ("000.00.00.H26", "UBND Thành phố Hà Nội", None),
    ("000.00.00.H29", "UBND Thành phố Hồ Chí Minh", None),
    ("000.00.00.H09", "UBND tỉnh Bình Dương", "000.00.00.H29"),  # sáp nhập vào TP Hồ Chí Minh (2025)
)


def _demo_directory() -> None:
    from app.exchange import directory

    for code, name, _merged_into in DEMO_DIRECTORY:
        if directory.entry_for(code) is None and queries.find_agency_by_code(code) is None:
            directory.add_entry(None, code=code, name=name, note="Dữ liệu mẫu")
    for code, _name, merged_into in DEMO_DIRECTORY:
        entry = directory.entry_for(code)
        if merged_into and entry is not None and entry.merged_into is None:
            directory.merge_entry(None, entry.id, merged_into)


DEMO_ROOT_FILE = "qlvb-demo-root.pem"


def _demo_signing(agencies) -> None:
    """Signing keys from a throwaway demo PKI: one per leader (PIN = DEMO_PASSWORD), one seal per agency.

    Only owners that never had a credential get one (a deactivated demo key stays deactivated), all from one new
    demo CA built for them; its root is added to `<instance>/trust/`, so the deployment trusts demo signatures.
    """
    from flask import current_app

    from app.core import clock
    from app.signing import credentials
    from app.signing.models import CredentialKind, SigningCredential
    from app.signing.pki import build_demo_pki
    from app.signing.trust import instance_trust_folder

    def has_any(**owner) -> bool:
        return SigningCredential.query.filter_by(**owner).first() is not None

    seals = [a for a in agencies if not has_any(agency_id=a.id, kind=CredentialKind.ORGANIZATION.value)]
    leaders = [
        user
        for agency in agencies
        for user in queries.list_users({agency.id}, role=Role.AGENCY_LEADER.value, active=True)
        if not has_any(user_id=user.id, kind=CredentialKind.PERSONAL.value)
    ]
    if not seals and not leaders:
        return
    # Valid from before the demo history (app.demo_history), whose documents are signed at past instants.
    now = clock.now()
    start = min(now, HISTORY_STARTS)
    with clock.frozen(start):
        pki = build_demo_pki(
            [(a.code, a.name) for a in seals],
            [(u.username, u.full_name, u.agency.name) for u in leaders],
            passphrase=DEMO_PASSWORD,
            valid_days=(now - start).days + 3650,
        )
    for agency in seals:
        credentials.add_organization(
            None, agency.id, p12=pki.seals[agency.code], passphrase=DEMO_PASSWORD, seal_png=None
        )
    for user in leaders:
        credentials.add_personal(None, user.id, p12=pki.personal[user.username], pin=DEMO_PASSWORD, image_png=None)
    folder = instance_trust_folder(current_app)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DEMO_ROOT_FILE
    existing = path.read_bytes() if path.exists() else b""
    if pki.root_pem not in existing:  # earlier demo roots stay: their keys are still in the database
        path.write_bytes(existing + pki.root_pem)


# Work the provincial leader hands out, from the seed regulations (seed 001: QĐ 278/QĐ-UBND, CV 144/UBND-HCTC).
# The lead unit is Phòng Tổng hợp (index 1): its Trưởng phòng distributes the work (a unit without a leader is
# refused when a case is started, as its step would be in nobody's inbox).
DEMO_CASES = (
    ("demo-ubnd-1", "Báo cáo tình hình ứng dụng phần mềm QLVB&HSCV theo Quyết định 278/QĐ-UBND", 1, False),
    ("demo-ubnd-2", "Rà soát danh mục văn bản điện tử không gửi kèm văn bản giấy (Công văn 144/UBND-HCTC)", 1, True),
)


def _demo_cases(agency) -> None:
    """Start a few "Giao việc" cases so that the inboxes are not empty (only once, and only if deployed)."""
    from app.core.errors import NotFound
    from app.workflow import services as workflow
    from app.workflow.definitions import newest_version
    from app.workflow.models import WorkflowInstance

    try:
        newest_version("work_assignment", agency.id)
    except NotFound:
        return
    leader = queries.find_user_by_username("ubnd.lanhdao")
    units = {unit.name: unit for unit in queries.list_units(agency.id)}
    names = [name for name, _abbreviation in AGENCIES[0].units]
    for object_id, title, unit_index, urgent in DEMO_CASES:
        exists = WorkflowInstance.query.filter_by(object_type="demo", object_id=object_id).first()
        if exists is None:
            workflow.start_process(
                leader,
                "work_assignment",
                object_type="demo",
                object_id=object_id,
                title=title,
                urgent=urgent,
                data={
                    "tieu_de": title,
                    "don_vi_chu_tri": units[names[unit_index]].id,
                    "noi_dung": "Tổng hợp, báo cáo Ủy ban nhân dân tỉnh.",
                },
            )


DEMO_OUTGOING_SUBJECT = "Triển khai phần mềm quản lý văn bản và điều hành tại các sở, ngành"


def _demo_outgoing(agency, receivers) -> None:
    """One Công văn draft of the province's Phòng Tổng hợp, addressed to two departments (only once).

    Its file names the chairman in the signature block, so ubnd.lanhdao can sign it with the demo PIN and the clerk
    can number, seal and send it: the whole outgoing procedure can be walked through in the browser.
    """
    from app.documents.uploads import Upload
    from app.outgoing import services as outgoing
    from app.outgoing.models import OutgoingDocument
    from app.signing.sample import draft_pdf

    if OutgoingDocument.query.filter_by(agency_id=agency.id, subject=DEMO_OUTGOING_SUBJECT).first():
        return
    drafter, signer = queries.find_user_by_username("ubnd.chuyenvien"), queries.find_user_by_username("ubnd.lanhdao")
    pdf = draft_pdf(
        agency_parent="",
        agency_name=agency.name,
        notation_hint="UBND-TH",
        place="Rạch Giá",
        type_name=None,
        subject=DEMO_OUTGOING_SUBJECT[0].lower() + DEMO_OUTGOING_SUBJECT[1:],  # printed after "V/v"
        body=[
            "Thực hiện Quyết định số 278/QĐ-UBND về việc gửi, nhận văn bản điện tử giữa các cơ quan hành chính nhà "
            "nước trên địa bàn tỉnh, Ủy ban nhân dân tỉnh đề nghị các sở, ngành triển khai phần mềm quản lý văn bản "
            "và điều hành, tiếp nhận và xử lý văn bản điện tử trong thời hạn quy định.",
            "Trong quá trình thực hiện nếu có khó khăn, vướng mắc, đề nghị báo cáo về Văn phòng Ủy ban nhân dân tỉnh.",
        ],
        signer_authority=None,
        signer_title=signer.position or "Chủ tịch",
        signer_name=signer.full_name,
        recipients=[r.name for r in receivers],
    )
    outgoing.create_draft(
        drafter,
        metadata={
            "type_code": "CV",
            "subject": DEMO_OUTGOING_SUBJECT,
            "place": "Rạch Giá",
            "signer_id": signer.id,
            "signer_title": signer.position or "Chủ tịch",
            "recipient_agency_codes": [r.code for r in receivers],
        },
        upload=Upload("du-thao-cong-van.pdf", pdf),
    )


# An incoming document nobody touches, received at a fixed instant so that the README's `qlvb escalate --now …`
# commands walk it up the ladder (app.escalation): intake is 2 working hours (app/sla/rules.py), so the clerk is
# reminded at 09:30, it is overdue at 10:00, and the leaders are told after the next working day, Tuesday 17:00.
DEMO_UNTOUCHED_AT = "2026-11-30T08:00:00+07:00"
DEMO_UNTOUCHED_SUBJECT = "Về việc báo cáo kết quả thực hiện cải cách hành chính năm 2026"


def _demo_untouched(agency) -> None:
    """Receive it once, as the province's clerk, on Monday 30/11/2026 08:00; leave its first step untouched."""
    from datetime import datetime

    from app.core import clock
    from app.core.errors import NotFound
    from app.documents.uploads import Upload
    from app.incoming import services as incoming
    from app.incoming.models import IncomingDocument
    from app.signing.sample import draft_pdf
    from app.workflow.definitions import newest_version

    try:
        newest_version("incoming", agency.id)
    except NotFound:
        return  # processes not deployed (`qlvb processes sync` first)
    if IncomingDocument.query.filter_by(agency_id=agency.id, subject=DEMO_UNTOUCHED_SUBJECT).first():
        return
    clerk = queries.find_user_by_username("ubnd.vanthu")
    pdf = draft_pdf(
        agency_parent="ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG",
        agency_name="Sở Nội vụ",
        notation_hint="SNV-CCHC",
        place="Rạch Giá",
        type_name=None,
        subject=DEMO_UNTOUCHED_SUBJECT[0].lower() + DEMO_UNTOUCHED_SUBJECT[1:],
        body=["Đề nghị Ủy ban nhân dân tỉnh tổng hợp, báo cáo kết quả thực hiện cải cách hành chính năm 2026."],
        signer_authority=None,
        signer_title="Giám đốc",
        signer_name="Dương Văn Hùng",
        recipients=[agency.name],
    )
    with clock.frozen(datetime.fromisoformat(DEMO_UNTOUCHED_AT)):
        incoming.receive_incoming(
            clerk,
            channel="electronic",
            metadata={
                "sender_code": "000.00.01.H33",
                "sender_name": "Sở Nội vụ tỉnh Kiên Giang",
                "code_number": "215",
                "code_notation": "SNV-CCHC",
                "issued_date": "2026-11-27",
                "type_name": "Công văn",
                "subject": DEMO_UNTOUCHED_SUBJECT,
                "signer_position": "Giám đốc",
                "signer_name": "Dương Văn Hùng",
                "page_count": "1",
            },
            uploads=[Upload("cong-van-215.pdf", pdf, is_main=True)],
        )

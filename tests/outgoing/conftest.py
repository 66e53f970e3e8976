"""Outgoing fixtures: the shipped processes deployed, an issuing office with real keys, two receiving agencies.

Keys come from the demo PKI builder (app.signing.pki), issued under a clock set back before both the
frozen test clock and the wall clock (tests/timeline.py), so that both fall inside their validity; the deployment
trusts its root.
"""

import io
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.documents.uploads import Upload
from app.org import services as org
from app.outgoing import services
from app.outgoing.models import OutgoingDocument
from app.signing import credentials
from app.signing.pki import build_demo_pki
from app.signing.sample import draft_pdf
from app.workflow import services as wf
from app.workflow.definitions import sync_processes
from app.workflow.models import HumanTask, WorkflowInstance
from tests.timeline import validity
from tests.workflow.conftest import office, open_tasks  # noqa: F401  (the same small organisation)

UBND = ("000.00.00.H33", "Ủy ban nhân dân tỉnh Kiên Giang")
SNV = ("000.00.01.H33", "Sở Nội vụ tỉnh Kiên Giang", "SNV")
STC = ("000.00.02.H33", "Sở Tài chính tỉnh Kiên Giang", "STC")
LEADER = ("lanhdao", "Trần Văn Minh")
SUBJECT = "Về việc triển khai hệ thống quản lý văn bản và điều hành"


@pytest.fixture(scope="session")
def demo_pki():
    # Issued before both the frozen test clock and today, valid for years past both (tests/timeline.py).
    start, end = validity(3650)
    with clock.frozen(start):
        return build_demo_pki([UBND], [(*LEADER, UBND[1])], valid_days=(end - start).days)


@pytest.fixture(scope="session")
def draft_bytes():
    """A Công văn laid out per NĐ 30/2020 Phụ lục I, to be signed by the office's leader."""
    return make_draft()


def make_draft(subject: str = SUBJECT, signer_name: str = LEADER[1], **layout) -> bytes:
    return draft_pdf(
        **layout,
        agency_parent="",
        agency_name=UBND[1],
        notation_hint="UBND-TH",
        place="Rạch Giá",
        type_name=None,
        subject=subject,
        body=["Ủy ban nhân dân tỉnh đề nghị các cơ quan triển khai hệ thống quản lý văn bản và điều hành."],
        signer_authority=None,
        signer_title="Chủ tịch",
        signer_name=signer_name,
        recipients=[SNV[1], STC[1]],
    )


@pytest.fixture(scope="session")
def attachment_bytes():
    return draft_pdf(
        agency_parent="",
        agency_name=UBND[1],
        notation_hint="UBND-TH",
        place="Rạch Giá",
        type_name="Kế hoạch",
        subject="Kế hoạch triển khai kèm theo công văn",
        body=["Phụ lục: danh sách cơ quan triển khai trong năm 2027."],
        signer_authority=None,
        signer_title="Chủ tịch",
        signer_name=LEADER[1],
        recipients=[],
    )


@pytest.fixture
def trusted_demo(app, demo_pki, tmp_path):
    path = tmp_path / "demo-root.pem"
    path.write_bytes(demo_pki.root_pem)
    previous = app.config.get("SIGNING_TRUST_ROOTS")
    app.config["SIGNING_TRUST_ROOTS"] = str(path)
    yield path
    app.config["SIGNING_TRUST_ROOTS"] = previous


@pytest.fixture
def outgoing_office(office, trusted_demo, demo_pki, create_agency, create_user):  # noqa: F811
    """The office (UBND, a clerk, a leader with a personal key, the agency seal), plus SNV and STC receiving."""
    sync_processes()
    assert office.agency.code == UBND[0] and office.leader.full_name == LEADER[1]
    credentials.add_personal(
        None, office.leader.id, p12=demo_pki.personal[LEADER[0]], pin=demo_pki.passphrase, image_png=None
    )
    credentials.add_organization(
        None, office.agency.id, p12=demo_pki.seals[UBND[0]], passphrase=demo_pki.passphrase, seal_png=None
    )
    unit_b_leader = create_user(
        roles=("lanh_dao_don_vi",),
        agency=office.agency,
        unit_id=office.unit_b.id,
        username="truongphong.kt",
        full_name="Hồ Thị Bích Ngọc",
    )
    receivers = {}
    for code, name, abbreviation in (SNV, STC):
        agency = create_agency(code=code, name=name, abbreviation=abbreviation)
        unit = org.create_unit(None, agency_id=agency.id, name="Văn phòng Sở", abbreviation="VP")
        key = abbreviation.lower()
        receivers[key] = SimpleNamespace(
            agency=agency,
            unit=unit,
            clerk=create_user(roles=("van_thu",), agency=agency, username=f"vanthu.{key}"),
            leader=create_user(roles=("lanh_dao",), agency=agency, username=f"lanhdao.{key}"),
            specialist=create_user(roles=("chuyen_vien",), agency=agency, unit_id=unit.id, username=f"cv.{key}"),
        )
    return SimpleNamespace(**vars(office), pin=demo_pki.passphrase, unit_b_leader=unit_b_leader, **receivers)


def metadata(org, **overrides) -> dict:
    values = {
        "type_code": "CV",
        "subject": SUBJECT,
        "urgency": "thuong",
        "place": "Rạch Giá",
        "drafting_unit_id": org.unit_a.id,
        "signer_id": org.leader.id,
        "signer_title": "Chủ tịch",
        "recipient_agency_codes": [SNV[0], STC[0]],
        "recipient_unit_ids": [org.unit_b.id],
        "recipients_external": [{"code": "000.00.00.G22", "name": "Văn phòng Chính phủ"}],
    }
    values.update(overrides)
    return values


def new_draft(org, data: bytes, attachments=(), **overrides) -> OutgoingDocument:
    return services.create_draft(
        org.spec_a1,
        metadata=metadata(org, **overrides),
        upload=Upload("du-thao.pdf", data),
        attachments=[Upload(name, content) for name, content in attachments],
    )


def instance_of(document) -> WorkflowInstance:
    return db.session.scalar(
        sa.select(WorkflowInstance).where(
            WorkflowInstance.object_type == "outgoing", WorkflowInstance.object_id == str(document.id)
        )
    )


def task_named(document, name: str) -> HumanTask:
    tasks = [t for t in open_tasks(instance_of(document)) if t.task_name == name]
    assert len(tasks) == 1, [t.task_name for t in open_tasks(instance_of(document))]
    return tasks[0]


def to_signing(org, document) -> None:
    """Submit, approve the content (unit leader) and the format (clerk): the leader's signature is next."""
    services.submit(org.spec_a1, document.id)
    wf.complete_task(org.unit_leader, task_named(document, "review_content").id, {}, outcome="approve")
    wf.complete_task(org.clerk, task_named(document, "check_format").id, {}, outcome="approve")


def sign(org, document) -> None:
    wf.complete_task(org.leader, task_named(document, "approve_sign").id, {"pin": org.pin}, outcome="sign")


def issue(org, document, **values) -> None:
    from app.documents.models import RegisterKind
    from app.documents.services import default_register

    task = task_named(document, "issue_document")
    data = {
        "register_id": default_register(org.agency.id, RegisterKind.OUTGOING).id,
        "notation": document.notation,
        **values,
    }
    wf.complete_task(org.clerk, task.id, data, outcome="issue")
    db.session.refresh(document)


def issued_document(org, data: bytes, **overrides) -> OutgoingDocument:
    """A draft taken through the whole procedure: issued and dispatched."""
    document = new_draft(org, data, **overrides)
    to_signing(org, document)
    sign(org, document)
    issue(org, document)
    return document


def javascript_pdf() -> bytes:
    """A PDF that runs JavaScript when it is opened (an OpenAction script)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    from tests.signing.factories import make_pdf

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("Co ma JavaScript"))))
    action = {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('x');")}
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def signed_draft(org, data: bytes, **overrides) -> OutgoingDocument:
    """A draft taken through review and signed by the leader: the clerk's issue step is open."""
    document = new_draft(org, data, **overrides)
    to_signing(org, document)
    sign(org, document)
    return document

"""The tenancy matrix's world: the demo province, plus one of every object kind the demo lacks, with real PDFs.

The matrix runs in three directions (Direction below), each from its own test module: the owner A holds every
object the matrix aims at, the attacker B is another agency of the demo province, one account per role of app.org.

- upward (test_tenancy_matrix.py): A is the provincial People's Committee (ubnd), B the Sở Tài chính (stc) below it
  (their administrator manages stc alone, so they are no deployment-wide administrator — that documented exception
  is an administrator of a top-level agency);
- sibling (test_tenancy_sibling.py): A is the Sở Tài chính, B the Sở Nội vụ (snv) beside it, under the same parent;
- downward (test_tenancy_downward.py): A is the Sở Tài chính, B the province above it.

The demo gives ubnd documents, cases, tasks, a file plan, dossiers and an archive with a past; for another owner,
tests/security/world_past.py first makes what the demo gives only the province. Each object A holds here carries a
marker (MARK) in its visible text, so a body that shows it is caught by a search for the marker as well as for its
own distinctive values.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.documents.uploads import Upload
from app.org import queries as org_queries
from app.org.models import Agency, Role, User
from tests.signing import factories

MARK = "Kỳ Lân Xanh"  # in every A object's text made here: never appears in any other agency's data
PROVINCE = "000.00.00.H33"  # Ủy ban nhân dân tỉnh Kiên Giang
SO_TAI_CHINH = "000.00.02.H33"  # Sở Tài chính tỉnh Kiên Giang, below the province
SO_NOI_VU = "000.00.01.H33"  # Sở Nội vụ tỉnh Kiên Giang, beside the Sở Tài chính
# One account per role of app.org: role → demo username suffix (app.demo.PEOPLE: "<agency key>.<suffix>").
ACCOUNTS = {
    "van_thu": "vanthu",
    "lanh_dao": "lanhdao",
    "lanh_dao_don_vi": "truongphong",
    "chuyen_vien": "chuyenvien",
    "luu_tru": "luutru",
    "quan_tri+thiet_ke": "quantri",
}
ROLES = tuple(ACCOUNTS)


@dataclass(frozen=True)
class Direction:
    """Who owns the objects the matrix aims at and who attacks them: agency codes and app.demo agency keys."""

    owner_code: str
    owner: str
    attacker_code: str
    attacker: str
    roles: tuple[str, ...] = ROLES


UPWARD = Direction(PROVINCE, "ubnd", SO_TAI_CHINH, "stc")
# The two other directions run every endpoint with three roles, not six, to keep tests/security within ~3 minutes:
# the clerk and the leader (who see every document of their own agency, app.incoming.permissions.SEE_ALL) and the
# administrator-designer (who manages accounts, registers, signing keys, trust roots and process versions). The
# unit leader, specialist and archivist see a subset of what the clerk and leader see in their own agency; the
# upward direction still runs them all.
FEW_ROLES = ("van_thu", "lanh_dao", "quan_tri+thiet_ke")
SIBLING = Direction(SO_TAI_CHINH, "stc", SO_NOI_VU, "snv", FEW_ROLES)
DOWNWARD = Direction(SO_TAI_CHINH, "stc", PROVINCE, "ubnd", FEW_ROLES)


def pdf(title: str) -> bytes:
    return factories.make_pdf(title)


def one(query):
    row = db.session.scalars(query.limit(1)).first()
    assert row is not None, f"the world lacks: {query}"
    return row


def user(username: str) -> User:
    found = org_queries.find_user_by_username(username)
    assert found is not None, username
    return found


def build_world(pki, direction: Direction = UPWARD) -> SimpleNamespace:
    """Load the demo, then add what it lacks for agency A; returns every id and distinctive value the cases need."""
    from app.demo import load_demo
    from app.workflow.definitions import sync_processes

    sync_processes()
    load_demo()
    a = db.session.scalar(sa.select(Agency).where(Agency.code == direction.owner_code))
    b = db.session.scalar(sa.select(Agency).where(Agency.code == direction.attacker_code))
    w = SimpleNamespace(a=a, b=b, b_id=b.id, pki=pki, direction=direction)
    w.attackers = {role: user(f"{direction.attacker}.{ACCOUNTS[role]}") for role in direction.roles}
    w.people = owner = direction.owner  # A's accounts: "<owner>.vanthu" …
    w.clerk, w.leader, w.unit_leader = user(f"{owner}.vanthu"), user(f"{owner}.lanhdao"), user(f"{owner}.truongphong")
    w.clerk_id, w.admin_username = w.clerk.id, f"{owner}.quantri"
    w.attackers_ids = {role: person.id for role, person in w.attackers.items()}
    w.specialist, w.archivist, w.admin = user(f"{owner}.chuyenvien"), user(f"{owner}.luutru"), user(f"{owner}.quantri")
    w.specialist_id = w.specialist.id
    if owner != "ubnd":  # the demo's past is the province's: give A its own first
        from tests.security.world_past import give_a_past

        give_a_past(w)
    _documents(w)
    _workflow(w)
    _dossiers(w)
    _org(w)
    _signing_and_exchange(w)
    _designer(w)
    db.session.flush()
    return w


def _documents(w) -> None:
    from app.copies import services as copies
    from app.incoming import services as incoming
    from app.incoming.models import IncomingAssignment, IncomingDocument, IncomingFile
    from app.outgoing import services as outgoing
    from app.outgoing.models import OutgoingDocument

    w.in_subject = f"Về việc kiểm kê rừng ngập mặn {MARK} năm 2026"
    w.in_file = "kiem-ke-rung-ky-lan.pdf"
    doc = incoming.receive_incoming(
        w.clerk,
        channel="electronic",
        metadata={
            "sender_code": "000.00.00.G09",
            "sender_name": "Bộ Nội vụ",
            "code_number": "4711",
            "code_notation": "BNV-KLX",
            "issued_date": "2026-11-20",
            "type_name": "Công văn",
            "subject": w.in_subject,
            "signer_position": "Thứ trưởng",
            "signer_name": "Hoàng Kỳ Lân",
            "page_count": "1",
        },
        uploads=[Upload(w.in_file, pdf(w.in_subject), is_main=True)],
    )
    w.incoming = doc
    w.in_file_id = db.session.scalar(sa.select(IncomingFile.id).where(IncomingFile.document_id == doc.id))
    w.in_secrets = [w.in_subject, MARK, w.in_file, "BNV-KLX", "Hoàng Kỳ Lân"]
    # A handled one from the demo history: with assignments, statuses sent back, a handling history.
    w.handled = one(
        sa.select(IncomingDocument)
        .where(
            IncomingDocument.agency_id == w.a.id,
            IncomingDocument.arrival_number.is_not(None),
            IncomingDocument.id.in_(sa.select(IncomingAssignment.document_id)),  # assigned: handled, not just filed
        )
        .order_by(IncomingDocument.id)
    )
    w.handled_file_id = db.session.scalar(sa.select(IncomingFile.id).where(IncomingFile.document_id == w.handled.id))
    w.handled_secrets = [w.handled.subject, w.handled.code_notation or w.handled.subject]
    w.extension = _extension(w)

    w.out_subject = f"Kế hoạch bảo tồn {MARK} trên địa bàn tỉnh"
    w.out_file, w.att_file = "du-thao-ky-lan.pdf", "phu-luc-ky-lan.pdf"
    draft = outgoing.create_draft(
        w.specialist,
        metadata={
            "type_code": "CV",
            "subject": w.out_subject,
            "place": "Rạch Giá",
            "signer_id": w.leader.id,
            "signer_title": "Chủ tịch",
            "recipient_agency_codes": ["000.00.01.H33"],
        },
        upload=Upload(w.out_file, pdf(w.out_subject)),
        attachments=[Upload(w.att_file, pdf("Phụ lục " + MARK))],
    )
    w.outgoing = draft
    w.out_version_id = draft.versions[0].id
    w.out_attachment_id = draft.attachments[0].id
    w.out_secrets = [w.out_subject, MARK, w.out_file, w.att_file]
    # A sent one from the demo history: numbered, with recipients and deliveries.
    w.sent = one(
        sa.select(OutgoingDocument)
        .where(OutgoingDocument.agency_id == w.a.id, OutgoingDocument.number.is_not(None))
        .order_by(OutgoingDocument.id)
    )
    w.sent_recipient_id = w.sent.recipients[0].id
    w.sent_version_id = w.sent.versions[-1].id
    w.copy = copies.make_copy(w.clerk, form="SY", source_kind="incoming", source_id=doc.id, file_id=w.in_file_id)


def _extension(w):
    """A pending extension request on the handled document (the handling flow itself is tested in tests/incoming)."""
    from app.incoming.models import IncomingAssignment
    from app.incoming.models_handling import IncomingExtension

    assignment = one(sa.select(IncomingAssignment).where(IncomingAssignment.document_id == w.handled.id))
    row = IncomingExtension(
        document_id=w.handled.id,
        assignment_id=assignment.id,
        reason=f"Chờ số liệu {MARK}",
        proposed_date=clock.local_today() + timedelta(days=10),
        requested_by_id=assignment.user_id or w.specialist.id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _workflow(w) -> None:
    from app.workflow.models import HumanTask, WorkflowInstance

    w.task = one(
        sa.select(HumanTask)
        .where(HumanTask.object_type == "incoming", HumanTask.object_id == str(w.incoming.id))
        .order_by(HumanTask.id)
    )
    w.instance = db.session.get(WorkflowInstance, w.task.instance_id)
    w.case = one(
        sa.select(WorkflowInstance).where(WorkflowInstance.agency_id == w.a.id, WorkflowInstance.object_type == "demo")
    )
    w.case_task = one(sa.select(HumanTask).where(HumanTask.instance_id == w.case.id).order_by(HumanTask.id))
    w.case_secrets = [w.case.title]


def _dossiers(w) -> None:
    from app.dossiers import destruction, retention
    from app.dossiers.grants import grant_access
    from app.dossiers.models import Dossier, DossierItem, DossierTransfer, FilePlan

    w.plan = one(sa.select(FilePlan).where(FilePlan.agency_id == w.a.id))
    w.plan_entry = w.plan.entries[0]
    w.plan_heading = w.plan.headings[0]
    w.dossier = one(
        sa.select(Dossier)
        .join(DossierItem, DossierItem.dossier_id == Dossier.id)
        .where(Dossier.agency_id == w.a.id)
        .order_by(Dossier.id)
    )
    w.dossier_item = w.dossier.items[0]
    w.dossier_secrets = [w.dossier.title]
    w.grant = grant_access(w.leader, w.dossier.id, user(f"{w.people}.chuyenvien2").id, note=f"Cho mượn {MARK}")
    w.transfer = one(sa.select(DossierTransfer).where(DossierTransfer.agency_id == w.a.id))
    w.transfer_entry = w.transfer.entries[0]
    w.hold = retention.create_hold(w.archivist, name=f"Phong tỏa {MARK}", reason="Thanh tra tỉnh yêu cầu")
    w.destruction = destruction.create(w.archivist, title=f"Hủy hồ sơ hết hạn {MARK}")


def _org(w) -> None:
    from app.documents.fulltext.query import SearchQuery
    from app.documents.fulltext.services import save_search
    from app.org import delegations
    from app.org.auth import create_api_token
    from app.sla.services import add_override

    now = clock.now()
    w.delegation = delegations.create_delegation(
        None,
        from_user_id=w.leader.id,
        to_user_id=user(f"{w.people}.phochutich").id,
        starts_at=now,
        ends_at=now + timedelta(days=30),
        reason=f"Đi công tác {MARK}",
    )
    w.saved = save_search(w.specialist, f"Tìm {MARK}", SearchQuery.from_params({"q": "rừng ngập mặn"}))
    w.token, _plain = create_api_token(w.specialist, name=f"Máy trạm {MARK}")
    w.unit = w.specialist.unit
    w.override = add_override(w.admin, w.a.id, day=date(clock.local_today().year, 12, 24), kind="off", note=MARK)
    from app.documents.models import Register

    w.register = one(sa.select(Register).where(Register.agency_id == w.a.id))
    w.doctype = _doctype(w)
    w.notice = _notice(w)


def _doctype(w):
    from app.documents.services import create_document_type

    return create_document_type(w.admin, agency_id=w.a.id, code="KLX", name=f"Phiếu {MARK}", abbreviation="PKL")


def _notice(w):
    from app.notifications.models import Notification

    return one(sa.select(Notification).where(Notification.user_id == w.leader.id).order_by(Notification.id))


def _signing_and_exchange(w) -> None:
    from app.exchange import outbox, peers
    from app.signing import trust_store
    from app.signing.models import SigningCredential

    w.credential = one(sa.select(SigningCredential).where(SigningCredential.user_id == w.leader.id))
    w.seal = one(
        sa.select(SigningCredential).where(SigningCredential.agency_id == w.a.id, SigningCredential.user_id.is_(None))
    )
    w.trust_root = trust_store.add(w.admin, data=w.pki.root.pem, agency_id=w.a.id, note=f"Gốc {MARK}")
    peer, _secret = peers.add_peer(None, name=f"Hệ thống {MARK}", key_id="klx", base_url="https://klx.example.vn")
    w.peer = peer
    w.outbox = outbox.enqueue(
        peer_id=peer.id, agency_id=w.a.id, to_code="000.00.00.G09", kind="edoc", key=f"klx-{w.sent.id}", body=b"<x/>"
    )
    from app.exchange.models import DirectoryEntry

    w.directory_entry = one(sa.select(DirectoryEntry).order_by(DirectoryEntry.id))
    from app.exchange.models import StatusMessage

    w.status = one(
        sa.select(StatusMessage)
        .where(StatusMessage.object_type == "incoming", StatusMessage.from_agency_id == w.a.id)
        .order_by(StatusMessage.id)
    )
    w.status_document_id = int(w.status.object_id)
    from app.incoming.models import IncomingDocument

    w.status_subject = db.session.get(IncomingDocument, w.status_document_id).subject


def _designer(w) -> None:
    from app.designer.forms_service import save_form
    from app.workflow.definitions import deploy, newest_version

    version = newest_version("work_assignment", w.a.id)
    xml = db.session.scalar(sa.select(type(version).bpmn_xml).where(type(version).id == version.id))  # deferred column
    [w.version] = deploy(w.admin, xml, "work_assignment.bpmn", agency_id=w.a.id, forms=version.forms, comment=MARK)
    key = next(iter(version.forms))
    w.form_key = key
    definition = dict(version.forms[key])
    definition["title"] = f"{definition.get('title', key)} {MARK}"
    w.form = save_form(w.admin, key, definition)


def receive_another(w) -> None:
    """A receives one more văn bản đến (the reports test: B's figures must not move)."""
    from app.core.transaction import unit_of_work
    from app.incoming import services as incoming
    from app.org.models import User

    clerk = db.session.get(User, w.clerk_id)
    with unit_of_work():
        incoming.receive_incoming(
            clerk,
            channel="paper",
            metadata={
                "sender_name": "Bộ Nội vụ",
                "code_number": "4712",
                "code_notation": "BNV-KLX",
                "issued_date": "2026-11-21",
                "type_name": "Công văn",
                "subject": f"Về việc trồng thêm rừng {MARK}",
                "page_count": "1",
            },
            uploads=[Upload("them-rung.pdf", pdf("Trồng rừng " + MARK), is_main=True)],
        )


__all__ = ["MARK", "ROLES", "Role", "build_world"]

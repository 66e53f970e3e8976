"""Numbers of văn bản đi (NĐ 30/2020 Điều 15): once per document, never lost to a failure, from 01 every 1 January,
1..N under concurrency; and the seal only over a valid signature of an authorised signer (seed 000 Điều 21.2.d)."""

import random
import threading
import time
from datetime import UTC, datetime

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import current_app

from app import create_app
from app.config import TestConfig
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.core.transaction import unit_of_work
from app.documents import numbering
from app.documents.models import RegisterKind
from app.documents.services import default_register
from app.documents.uploads import Upload
from app.org import services as org
from app.org.models import User, UserRole
from app.outgoing import issuing, services
from app.outgoing.files import add_attachment_row
from app.outgoing.models import OutgoingDocument, OutgoingStatus, OutgoingVersion, VersionStage
from app.signing import credentials
from app.workflow import services as wf
from tests.conftest import PASSWORD, TEST_DB, fresh_database_url
from tests.outgoing.conftest import (
    LEADER,
    UBND,
    instance_of,
    issue,
    issued_document,
    make_draft,
    signed_draft,
    task_named,
)
from tests.signing.factories import make_pdf


# NĐ 30 Phụ lục VI III.1.đ
def test_a_document_is_numbered_once(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    document = issued_document(office, draft_bytes)
    register_id = document.register_id
    with pytest.raises(Conflict) as err:
        issuing.issue_outgoing(office.clerk, document, register_id=register_id, notation="UBND-TH", issued_date=None)
    assert err.value.code == "already_issued"
    with pytest.raises(Conflict) as err:  # and the register itself refuses a second number for it
        numbering.assign_number(office.clerk, register_id, "outgoing", document.id)
    assert err.value.code == "number_already_assigned"
    assert numbering.last_number(register_id, 2026) == 1


def test_a_failure_after_numbering_gives_the_number_back(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    attachment = make_pdf("Phu luc bi hong tren dia")
    broken = signed_draft(office, draft_bytes, recipient_agency_codes=[])
    row = add_attachment_row(broken, Upload("phu-luc.pdf", attachment), office.spec_a1.id)
    db.session.flush()
    store = current_app.extensions["qlvb.blobs"]
    path = store.path_for(row.sha256)
    path.write_bytes(attachment + b"corrupted on disk")  # read after the number is taken: the seal step fails
    try:
        issue(office, broken)
        instance = instance_of(broken)
        assert instance.status == "error" and "hỏng" in instance.error_message
        assert broken.status == OutgoingStatus.SIGNED and broken.number is None and broken.symbol is None
        register = default_register(office.agency.id, RegisterKind.OUTGOING)
        assert numbering.last_number(register.id, 2026) == 0  # the number went back with the rollback

        other = issued_document(office, draft_bytes, recipient_agency_codes=[])
        assert other.symbol == "01/UBND-TH"  # the same number the failed issue had taken
    finally:
        path.write_bytes(attachment)
    wf.retry_instance(office.admin, instance.id)  # the cause fixed: the case goes on where it stopped
    db.session.refresh(broken)
    assert (broken.status, broken.symbol, broken.issued_by_id) == (OutgoingStatus.ISSUED, "02/UBND-TH", office.clerk.id)


# NĐ 30 Phụ lục VI III.1.đ
def test_numbers_restart_on_the_first_of_january(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    frozen_clock.set(datetime(2026, 12, 31, 15, 0, tzinfo=UTC))  # 22:00 on 31/12 in Hà Nội
    last_of_year = [issued_document(office, draft_bytes, recipient_agency_codes=[]) for _ in range(2)]
    frozen_clock.set(datetime(2026, 12, 31, 17, 30, tzinfo=UTC))  # 00:30 on 1/1/2027 in Hà Nội
    first_of_year = issued_document(office, draft_bytes, recipient_agency_codes=[])
    assert [(d.number_year, d.symbol) for d in last_of_year] == [(2026, "01/UBND-TH"), (2026, "02/UBND-TH")]
    assert (first_of_year.number_year, first_of_year.symbol) == (2027, "01/UBND-TH")
    assert first_of_year.issued_date.isoformat() == "2027-01-01"


def test_the_issue_date_may_not_be_in_the_future(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    document = signed_draft(office, draft_bytes)
    with pytest.raises(ValidationError) as err:
        issue(office, document, issued_date="2026-11-24")
    assert "issued_date" in err.value.details and document.number is None


@pytest.mark.parametrize("defect", ["unsigned", "tampered", "no_longer_a_leader"])
def test_the_seal_needs_a_valid_signature_of_an_authorised_signer(outgoing_office, draft_bytes, defect):
    office = outgoing_office
    document = signed_draft(office, draft_bytes)
    signed = next(v for v in document.versions if v.stage == VersionStage.SIGNED)
    store = current_app.extensions["qlvb.blobs"]
    if defect == "unsigned":  # the file that reached the clerk carries no signature
        signed.sha256 = document.versions[0].sha256
    elif defect == "tampered":
        data = bytearray(store.read(signed.sha256))
        data[data.index(b"stream\n") + 40] ^= 0x01  # one byte of page content, inside the signed range
        signed.sha256 = store.put(bytes(data))
    else:  # NĐ 30/2020 Điều 13: the signer lost the authority to sign before the clerk issued
        db.session.execute(sa.delete(UserRole).where(UserRole.user_id == office.leader.id))
        db.session.expire(office.leader)
    db.session.flush()
    with pytest.raises(ValidationError) as err:
        issue(office, document)
    expected = {
        "unsigned": "no_personal_signature",
        "tampered": "personal_signature_invalid",
        "no_longer_a_leader": "signer_not_authorised",
    }[defect]
    assert err.value.code == expected
    assert document.status == OutgoingStatus.SIGNED and document.number is None
    assert task_named(document, "issue_document")
    assert numbering.last_number(document.register_id or default_register(office.agency.id, "outgoing").id) == 0


def test_only_the_agency_clerk_issues(outgoing_office, draft_bytes):
    office = outgoing_office
    document = signed_draft(office, draft_bytes)
    step = task_named(document, "issue_document")
    with pytest.raises(NotFound):  # another agency's clerk does not even see the task
        wf.complete_task(office.snv.clerk, step.id, {"register_id": 1, "notation": "UBND-TH"}, outcome="issue")
    with pytest.raises(PermissionDenied):  # a leader sees the task but is not a clerk
        wf.complete_task(office.leader, step.id, {"register_id": 1, "notation": "UBND-TH"}, outcome="issue")
    assert document.number is None


# --- concurrency --------------------------------------------------------------------------------------------

THREADS = 50 if TEST_DB == "postgresql" else 8


def _is_busy(exc: Exception) -> bool:
    if isinstance(exc, Conflict):
        return exc.code in ("register_busy", "outgoing_busy")
    return TEST_DB == "sqlite" and isinstance(exc, sa.exc.OperationalError) and "database is locked" in str(exc)


# NĐ 30 Phụ lục VI III.1.đ
def test_concurrent_issues_get_exactly_one_to_n(tmp_path, demo_pki):
    """Many clerks issue at once: numbers 1..N in one register, each once, every seal over its own number."""
    app = create_app(TestConfig(fresh_database_url(tmp_path, "outgoing_concurrency"), tmp_path))
    roots = tmp_path / "roots.pem"
    roots.write_bytes(demo_pki.root_pem)
    app.config["SIGNING_TRUST_ROOTS"] = str(roots)
    with app.app_context():
        flask_migrate.upgrade()
        ids, register_id, clerk_id = _signed_documents(demo_pki, THREADS)
        db.session.remove()

    symbols, retries, errors = _issue_all_at_once(app, ids, register_id=register_id, clerk_id=clerk_id)
    assert not errors, errors
    assert sorted(symbols.values()) == sorted(f"{n:02d}/UBND-TH" for n in range(1, THREADS + 1))
    with app.app_context():
        rows = db.session.execute(sa.select(OutgoingDocument.id, OutgoingDocument.number)).all()
        assert sorted(n for _, n in rows) == list(range(1, THREADS + 1))
        assert {i: f"{n:02d}/UBND-TH" for i, n in rows} == symbols
        assert numbering.last_number(register_id, numbering.current_year()) == THREADS
        db.session.remove()
        db.engine.dispose()
    if TEST_DB == "postgresql":
        assert retries == []  # the counter row lock queues the clerks: nobody is refused


def _signed_documents(demo_pki, count: int) -> tuple[list[int], int, int]:
    """`count` signed documents of one agency, waiting for their number; returns their ids, register and clerk."""
    with unit_of_work():
        agency = org.create_agency(None, code=UBND[0], name=UBND[1], abbreviation="UBND")
        unit = org.create_unit(None, agency_id=agency.id, name="Phòng Tổng hợp", abbreviation="TH")
        make = lambda username, name, role: org.create_user(  # noqa: E731
            None, username=username, full_name=name, password=PASSWORD, agency_id=agency.id, roles=[role]
        )
        clerk, leader = make("vanthu", "Nguyễn Thị Thu Hà", "van_thu"), make(LEADER[0], LEADER[1], "lanh_dao")
        drafter = make("chuyenvien", "Võ Quốc Bảo", "chuyen_vien")
        drafter.unit_id = unit.id
        credentials.add_personal(
            None, leader.id, p12=demo_pki.personal[LEADER[0]], pin=demo_pki.passphrase, image_png=None
        )
        credentials.add_organization(
            None, agency.id, p12=demo_pki.seals[UBND[0]], passphrase=demo_pki.passphrase, seal_png=None
        )
        meta = {
            "type_code": "CV",
            "subject": "Về việc cấp số đồng thời",
            "place": "Rạch Giá",
            "signer_id": leader.id,
        }
        first = services.create_draft(drafter, metadata=meta, upload=Upload("du-thao.pdf", make_draft()))
        first.status = OutgoingStatus.SIGNING
        issuing.sign_document(leader, first, demo_pki.passphrase)
        signed = next(v for v in first.versions if v.stage == VersionStage.SIGNED)
        ids = [first.id]
        for _ in range(count - 1):  # the same signed file stands for N signed documents
            copy = services.create_draft(drafter, metadata=meta)
            copy.status, copy.signer_id, copy.signed_at = OutgoingStatus.SIGNED, leader.id, first.signed_at
            copy.versions.append(
                OutgoingVersion(
                    number=1,
                    stage=VersionStage.SIGNED,
                    sha256=signed.sha256,
                    filename="du-thao.pdf",
                    size=signed.size,
                    credential_id=signed.credential_id,
                )
            )
            db.session.flush()
            ids.append(copy.id)
        return ids, default_register(agency.id, RegisterKind.OUTGOING).id, clerk.id


def _issue_all_at_once(app, ids: list[int], *, register_id: int, clerk_id: int):
    """One thread per document, released together, each issuing until it is not busy; returns what happened."""
    barrier = threading.Barrier(len(ids))
    symbols: dict[int, str] = {}
    retries, errors = [], []

    def work(document_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                for _attempt in range(200):
                    try:
                        with unit_of_work():
                            actor = db.session.get(User, clerk_id)
                            document = services.lock_document(document_id)
                            issuing.issue_outgoing(
                                actor, document, register_id=register_id, notation="UBND-TH", issued_date=None
                            )
                            symbols[document_id] = document.symbol
                        break
                    except Exception as exc:
                        if not _is_busy(exc):
                            raise
                        retries.append(document_id)
                        db.session.rollback()
                        time.sleep(random.uniform(0.005, 0.05))
                else:
                    raise AssertionError(f"document {document_id} never got through")
            except Exception as exc:
                errors.append((document_id, repr(exc)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return symbols, retries, errors


# NĐ 30 Phụ lục VI III.6.i
def test_the_issued_original_downloads_under_its_number(client, outgoing_office, draft_bytes, frozen_clock, api_token):
    from app.outgoing.models import VersionStage

    document = issued_document(outgoing_office, draft_bytes)
    issued = next(v for v in document.versions if v.stage == VersionStage.ISSUED)
    draft = next(v for v in document.versions if v.stage == VersionStage.DRAFT)
    headers = api_token(outgoing_office.clerk)
    response = client.get(f"/api/v1/outgoing/{document.id}/versions/{issued.id}", headers=headers)
    expected = document.symbol.replace("/", "-") + ".pdf"
    assert response.status_code == 200 and expected in response.headers["Content-Disposition"]
    earlier = client.get(f"/api/v1/outgoing/{document.id}/versions/{draft.id}", headers=headers)
    assert draft.filename in earlier.headers["Content-Disposition"]

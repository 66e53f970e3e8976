"""Signing credentials: stored encrypted, opened with the PIN, the seal for the agency's clerks only; the demo."""

import base64
import datetime as dt
import io
import os
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from PIL import Image

from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.core.transaction import unit_of_work
from app.signing import credentials
from app.signing import kek as kek_module
from app.signing.errors import (
    CertificateExpired,
    CertificateRevoked,
    CredentialUnreadable,
    InvalidImage,
    KeyUsageNotAllowed,
    NoCredential,
    WrongPin,
)
from app.signing.models import CredentialKind, SigningCredential
from app.signing.verify import verify_pdf
from tests.signing.factories import SEAL_BOX
from tests.signing.keyfiles import PIN, issue, p12_of, sign_with

SEAL_PASS = "mat-khau-con-dau"


def days_ago(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days)


@pytest.fixture
def people(create_agency, create_user):
    # Committed (released savepoint), so an action that rolls back later does not take the fixtures with it.
    with unit_of_work():
        agency = create_agency(name="Ủy ban nhân dân tỉnh Hà Giang")
        other = create_agency(name="Sở Nội vụ tỉnh Hà Giang")
        return SimpleNamespace(
            agency=agency,
            other=other,
            leader=create_user(roles=("lanh_dao",), agency=agency, full_name="Nguyễn Văn An"),
            clerk=create_user(roles=("van_thu",), agency=agency),
            admin=create_user(roles=("quan_tri",), agency=agency),
            other_clerk=create_user(roles=("van_thu",), agency=other),
            other_admin=create_user(roles=("quan_tri",), agency=other),
        )


def add_person(people, pki, issued=None, *, pin=PIN, image=None, actor="admin"):
    with unit_of_work():
        p12 = p12_of(issued or pki.person, pki, pin)
        return credentials.add_personal(getattr(people, actor), people.leader.id, p12=p12, pin=pin, image_png=image)


def add_seal(people, pki, *, agency=None):
    with unit_of_work():
        p12 = p12_of(pki.seal, pki, SEAL_PASS)
        agency_id = (agency or people.agency).id
        return credentials.add_organization(people.admin, agency_id, p12=p12, passphrase=SEAL_PASS, seal_png=None)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def png(size=(300, 120), *, transparent=True, dpi=None, fmt="PNG") -> bytes:
    image = Image.new("RGBA" if transparent else "RGB", size, (0, 0, 0, 0) if transparent else (255, 255, 255))
    Image.Image.paste(image, (31, 63, 191), (10, 10, 60, 40))
    out = io.BytesIO()
    image.save(out, format=fmt, **({"dpi": (dpi, dpi)} if dpi else {}))
    return out.getvalue()


# --- adding and storing -------------------------------------------------------------------------------------


def test_personal_key_is_stored_encrypted_and_opens_with_the_pin(app, people, pki):
    p12 = p12_of(pki.person, pki)
    credential = add_person(people, pki)

    stored = db.session.execute(
        sa.select(SigningCredential.encrypted_p12).where(SigningCredential.id == credential.id)
    ).scalar_one()
    assert stored != p12 and p12 not in stored and p12[64:128] not in stored
    key, opened = credentials.personal_key(people.leader, PIN)
    assert opened.id == credential.id
    assert key.certificate.dump() == pki.person.asn1_cert.dump()
    assert credential.kind == "personal" and credential.user_id == people.leader.id
    assert credential.subject_name.startswith("CN=Nguyễn Văn An") and "Test Government CA" in credential.issuer_name
    assert credential.not_after == pki.person.cert.not_valid_after_utc
    [added] = events("signing.credential_add")
    assert added.changes["fingerprint"] == credential.fingerprint
    assert PIN not in str(added.changes) + added.summary


def test_stored_key_does_not_open_under_another_key_encryption_key(app, people, pki, monkeypatch):
    add_person(people, pki)
    monkeypatch.setitem(app.config, "SIGNING_KEY_ENCRYPTION_KEY", base64.b64encode(os.urandom(32)).decode())

    with pytest.raises(CredentialUnreadable) as caught:
        credentials.personal_key(people.leader, PIN)
    assert caught.value.code == "credential_unreadable"


def test_key_encryption_key_is_generated_once_into_the_instance_folder(app, monkeypatch):
    monkeypatch.delenv("QLVB_KEY_ENCRYPTION_KEY", raising=False)
    monkeypatch.setitem(app.config, "SIGNING_KEY_ENCRYPTION_KEY", "")
    kek = kek_module.key_encryption_key(app)
    path = Path(app.instance_path) / "signing.key"

    assert len(kek) == 32 and base64.b64decode(path.read_text()) == kek
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    app.extensions.pop("qlvb.signing_kek")
    assert kek_module.key_encryption_key(app) == kek


def test_key_encryption_key_from_the_environment_must_be_32_bytes(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_KEY_ENCRYPTION_KEY", "")
    monkeypatch.setenv("QLVB_KEY_ENCRYPTION_KEY", base64.b64encode(b"k" * 32).decode())
    assert kek_module.key_encryption_key(app) == b"k" * 32
    monkeypatch.setenv("QLVB_KEY_ENCRYPTION_KEY", base64.b64encode(b"short").decode())
    with pytest.raises(RuntimeError):
        kek_module.key_encryption_key(app)


def test_without_an_image_a_signature_image_is_generated(people, pki):
    credential = add_person(people, pki)
    image = Image.open(io.BytesIO(credentials.image_of(credential)))

    assert image.format == "PNG" and image.mode == "RGBA"
    assert (credential.image_width_pt, credential.image_height_pt) == pytest.approx((141.73, 56.69), abs=0.5)


def test_uploaded_image_keeps_its_real_size(people, pki):
    tagged = add_person(people, pki, image=png((300, 120), dpi=150))
    assert (tagged.image_width_pt, tagged.image_height_pt) == pytest.approx((144, 57.6), abs=0.1)
    assert credentials.image_of(tagged) == png((300, 120), dpi=150)

    untagged = add_person(people, pki, issue(pki, "Nguyễn Văn An"), image=png((400, 100)))  # shown 50 mm wide
    assert (untagged.image_width_pt, untagged.image_height_pt) == pytest.approx((141.73, 35.43), abs=0.1)


@pytest.mark.parametrize(
    "image", [png(transparent=False, dpi=300), png(dpi=300, fmt="GIF"), b"not an image"], ids=["opaque", "gif", "junk"]
)
def test_image_must_be_a_transparent_png(people, pki, image):
    with pytest.raises(InvalidImage) as caught:
        add_person(people, pki, image=image)
    assert caught.value.code == "invalid_signature_image"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SigningCredential)) == 0


def test_new_credential_replaces_the_active_one(people, pki):
    first = add_person(people, pki)
    second = add_person(people, pki, issue(pki, "Nguyễn Văn An", non_repudiation=True))

    assert not first.active and first.deactivated_reason == "Thay bằng chứng thư số mới"
    assert second.active
    assert credentials.personal_key(people.leader, PIN)[1].id == second.id
    assert credentials.credentials_of(people.leader) == [second, first]
    assert [e.object_id for e in events("signing.credential_deactivate")] == [str(first.id)]


def test_same_certificate_cannot_be_added_twice(people, pki):
    add_person(people, pki)
    with pytest.raises(Conflict) as caught, unit_of_work():
        credentials.add_organization(
            people.admin, people.agency.id, p12=p12_of(pki.person, pki), passphrase=PIN, seal_png=None
        )
    assert caught.value.code == "credential_exists"


def test_only_an_administrator_of_the_agency_adds_or_deactivates(people, pki):
    for actor in ("other_admin", "clerk", "leader"):
        with pytest.raises(PermissionDenied):
            add_person(people, pki, actor=actor)
    credential = add_person(people, pki)
    with pytest.raises(PermissionDenied):
        credentials.deactivate(people.other_admin, credential.id, "Thử")


@pytest.mark.parametrize(
    "make, error",
    [
        (lambda pki: issue(pki, "Hết hạn", not_before=days_ago(400), not_after=days_ago(1)), CertificateExpired),
        (lambda pki: pki.encryption_only, KeyUsageNotAllowed),
    ],
    ids=["expired", "key-usage"],
)
def test_a_certificate_that_may_not_sign_is_refused_when_added(people, pki, make, error):
    with pytest.raises(error):
        add_person(people, pki, make(pki))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SigningCredential)) == 0


def test_adding_with_a_wrong_pin_names_the_field(people, pki):
    with pytest.raises(WrongPin) as caught, unit_of_work():
        credentials.add_personal(people.admin, people.leader.id, p12=p12_of(pki.person, pki), pin="1", image_png=None)
    assert caught.value.details == {"pin": "Mã PIN không đúng."}
    assert len(events("signing.pin_refused")) == 1


# --- using the personal key ----------------------------------------------------------------------------------


def test_wrong_pin_is_refused_and_each_refusal_is_audited(people, pki):
    add_person(people, pki)
    for attempt in ("111111", "222222"):
        with pytest.raises(WrongPin) as caught, unit_of_work():  # the action rolls back …
            credentials.personal_key(people.leader, attempt)
        assert caught.value.code == "wrong_pin"

    refused = events("signing.pin_refused")  # … and its refusal is still on record
    assert len(refused) == 2
    assert {e.actor_id for e in refused} == {people.leader.id}
    assert not any(pin in e.summary + str(e.changes) for e in refused for pin in ("111111", "222222"))
    assert verify_chain().ok


def test_five_wrong_pins_lock_the_key_for_fifteen_minutes(people, pki, frozen_clock):
    from app.signing.errors import PinLocked

    add_person(people, pki)
    for attempt in range(5):
        with pytest.raises(WrongPin) as caught, unit_of_work():
            credentials.personal_key(people.leader, f"00000{attempt}")
    assert caught.value.details == {"pin": "Mã PIN không đúng."}  # the fifth: no tries left to announce
    frozen_clock.advance(minutes=10)
    with pytest.raises(PinLocked) as locked:  # even the right PIN is not tried while locked
        credentials.personal_key(people.leader, PIN)
    assert locked.value.code == "pin_locked" and "thử lại sau 5 phút" in locked.value.details["pin"]
    assert len(events("signing.pin_refused")) == 5
    frozen_clock.advance(minutes=6)
    key, _credential = credentials.personal_key(people.leader, PIN)
    assert key.certificate is not None


def test_refusal_caught_by_a_caller_that_goes_on_is_audited_once(people, pki):
    add_person(people, pki)
    with unit_of_work():
        with pytest.raises(WrongPin), unit_of_work():  # a savepoint
            credentials.personal_key(people.leader, "999999")
        credentials.personal_key(people.leader, PIN)
    assert len(events("signing.pin_refused")) == 1


def test_user_without_a_credential_is_told_so(people):
    with pytest.raises(NoCredential) as caught:
        credentials.personal_key(people.leader, PIN)
    assert caught.value.code == "no_signing_credential"


def test_expired_credential_is_refused_before_the_pin_is_tried(people, pki):
    add_person(people, pki)
    later = pki.person.cert.not_valid_after_utc + dt.timedelta(days=1)
    with clock.frozen(later), pytest.raises(CertificateExpired) as caught:
        credentials.personal_key(people.leader, "wrong")
    assert caught.value.code == "certificate_expired"
    assert events("signing.pin_refused") == []


def test_deactivated_credential_is_refused_as_revoked_from_then_on(people, pki):
    credential = add_person(people, pki)
    with unit_of_work():
        credentials.deactivate(people.admin, credential.id, "Mất thiết bị lưu khóa")

    assert not credential.active and credential.deactivated_reason == "Mất thiết bị lưu khóa"
    with pytest.raises(CertificateRevoked) as caught:
        credentials.personal_key(people.leader, PIN)
    assert caught.value.code == "certificate_revoked" and "Mất thiết bị lưu khóa" in caught.value.message
    with pytest.raises(CertificateRevoked):  # nor can the same certificate come back
        add_person(people, pki)
    with pytest.raises(Conflict):
        credentials.deactivate(people.admin, credential.id, "Lần nữa")
    with pytest.raises(ValidationError):
        credentials.deactivate(people.admin, add_person(people, pki, issue(pki, "Nguyễn Văn An")).id, "  ")


def test_inactive_account_cannot_sign(people, pki):
    add_person(people, pki)
    people.leader.is_active = False
    with pytest.raises(PermissionDenied):
        credentials.personal_key(people.leader, PIN)


# --- the organization key (seed 000 Điều 21) ----------------------------------------------------------------


def test_clerk_signs_with_the_seal_after_the_leader(people, pki, unsigned_pdf):
    add_person(people, pki)
    seal = add_seal(people, pki)
    assert db.session.scalar(sa.select(SigningCredential.encrypted_passphrase).where(SigningCredential.id == seal.id))
    assert SEAL_PASS.encode() not in seal.encrypted_passphrase

    personal, _ = credentials.personal_key(people.leader, PIN)
    organization, used = credentials.organization_key(people.clerk, people.agency.id)
    signed = sign_with(unsigned_pdf, personal.pdf_signer())
    signed = sign_with(signed, organization.pdf_signer(), field="ChuKyToChuc", box=SEAL_BOX)

    assert used.id == seal.id and used.kind == CredentialKind.ORGANIZATION.value and used.user_id is None
    report = verify_pdf(signed, pki.trust_roots)
    assert report.valid, report.problems
    assert Image.open(io.BytesIO(credentials.image_of(seal))).size == (425, 425)  # generated 36 mm seal


@pytest.mark.parametrize("who", ["leader", "admin", "other_clerk", None])
def test_seal_key_is_refused_to_anyone_but_the_agencys_clerks(people, pki, who):
    add_seal(people, pki)
    with pytest.raises(PermissionDenied) as caught:
        credentials.organization_key(getattr(people, who) if who else None, people.agency.id)
    assert caught.value.code == "not_agency_clerk"


def test_agency_without_a_seal_is_told_so(people):
    with pytest.raises(NoCredential):
        credentials.organization_key(people.other_clerk, people.other.id)


def test_deactivated_seal_is_refused(people, pki):
    seal = add_seal(people, pki)
    with unit_of_work():
        credentials.deactivate(people.admin, seal.id, "Cơ quan đổi tên, khắc dấu mới")
    with pytest.raises(CertificateRevoked):
        credentials.organization_key(people.clerk, people.agency.id)


# --- the demo ------------------------------------------------------------------------------------------------


def test_demo_gives_leaders_and_agencies_keys_whose_signatures_the_deployment_trusts(
    app, db_session, monkeypatch, tmp_path, unsigned_pdf
):
    from app.demo import DEMO_PASSWORD, load_demo
    from app.org import queries
    from app.signing.trust import trust_roots_from_config

    monkeypatch.setattr(app, "instance_path", str(tmp_path))  # the demo writes the trust folder here
    monkeypatch.setitem(app.config, "SIGNING_TRUST_ROOTS", "")
    with unit_of_work():
        load_demo()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(SigningCredential))

    leaders = queries.list_users({a.id for a in queries.list_agencies()}, role="lanh_dao", active=True)
    assert len(leaders) == 8 and count == 8 + 4
    for leader in leaders:
        assert credentials.active_credential(CredentialKind.PERSONAL, user_id=leader.id) is not None
    root_file = tmp_path / "trust" / "qlvb-demo-root.pem"
    assert root_file.read_bytes().count(b"BEGIN CERTIFICATE") == 1
    assert [r.subject.native["common_name"] for r in trust_roots_from_config(app)] == ["qlvb DEMO Root CA"]

    personal, _ = credentials.personal_key(queries.find_user_by_username("ubnd.lanhdao"), DEMO_PASSWORD)
    organization, seal = credentials.organization_key(
        queries.find_user_by_username("ubnd.vanthu"), queries.find_agency_by_code("000.00.00.H33").id
    )
    signed = sign_with(unsigned_pdf, personal.pdf_signer())
    signed = sign_with(signed, organization.pdf_signer(), field="ChuKyToChuc", box=SEAL_BOX)
    report = verify_pdf(signed)  # the configured roots: here only the instance trust folder
    assert report.valid, report.problems
    assert seal.image_width_pt == pytest.approx(102.05, abs=0.5)  # a 36 mm seal

    with unit_of_work():
        load_demo()  # idempotent
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SigningCredential)) == count
    assert root_file.read_bytes().count(b"BEGIN CERTIFICATE") == 1


def test_the_demo_leaves_no_step_in_nobody_s_inbox_and_gives_the_reports_a_history(
    app, db_session, monkeypatch, tmp_path
):
    from app.demo import DEMO_UNTOUCHED_SUBJECT, load_demo
    from app.demo_history import INCOMING, OUTGOING, PERIOD
    from app.incoming.models import IncomingDocument
    from app.org import queries
    from app.reports import services as reports
    from app.reports.periods import make_period
    from app.workflow.assignment import candidates
    from app.workflow.definitions import sync_processes
    from app.workflow.models import HumanTask, TaskState

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    with unit_of_work():
        sync_processes()
        load_demo()
    open_tasks = db.session.scalars(sa.select(HumanTask).where(HumanTask.state == TaskState.READY)).all()
    assert len(open_tasks) >= 2
    assert all(candidates(task) for task in open_tasks), [t.title for t in open_tasks if not candidates(t)]

    # The history (app.demo_history), read by the leader on Tuesday 01/12/2026 17:30, after the untouched document
    # of the README's walk was escalated: 24 documents + the untouched one, 14 on time, 6 late, 3 overdue.
    leader, period = queries.find_user_by_username("ubnd.lanhdao"), make_period(*PERIOD)
    with clock.frozen(dt.datetime.fromisoformat("2026-12-01T17:30:00+07:00")):
        incoming = reports.handling_report(leader, "incoming", period)["total"]
        dashboard = reports.dashboard(leader, period)
        exchange = reports.exchange_report(leader, period)
    assert incoming == {
        "received": 25,
        "completed_on_time": 14,
        "completed_late": 6,
        "in_progress": 1,
        "no_deadline": 1,  # the untouched document: not directed yet
        "overdue": 3,
    }
    assert len(INCOMING) + 1 == sum(incoming.values()) - incoming["received"]
    summary = dashboard["summary"]
    assert summary["completed_late"] > 0 and summary["completed_on_time"] > summary["completed_late"]
    assert summary["overdue"] == 4 and summary["avg_minutes"] > 0  # three of the history, and the untouched one
    assert any(DEMO_UNTOUCHED_SUBJECT in item["object_title"] for item in dashboard["overdue"])
    [row] = exchange["rows"]
    assert (row["sent_documents"], row["sent_deliveries"], row["sent_signed"]) == (len(OUTGOING), 14, len(OUTGOING))
    # 14 deliveries: 12 answered by the recipient's clerk (11 accepted 1–12 working hours later, 1 refused); Rạch
    # Giá never accepts 05/UBND-TH and STC has not accepted 06/UBND-TH 3 working days after: both listed as silent.
    assert (row["acknowledged"], row["refused_by_recipients"], row["received"]) == (12, 1, 25)
    assert row["avg_ack_minutes"] > 0
    silent = {(item["symbol"], item["recipient"]) for item in exchange["unacknowledged"]}
    assert silent == {
        ("05/UBND-TH", "Ủy ban nhân dân thành phố Rạch Giá"),
        ("06/UBND-TH", "Sở Tài chính tỉnh Kiên Giang"),
    }
    assert "thẩm quyền của Sở Nội vụ" in row["reasons"][0]["reason"]

    count = db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument))
    with unit_of_work():
        load_demo()  # idempotent: the history is not written twice
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument)) == count

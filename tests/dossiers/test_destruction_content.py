"""Destroying dossiers destroys the content of the documents only they held (seed 000 Điều 25.2: "phải bảo đảm thông
tin đã bị hủy không thể khôi phục lại được"), keeps the register line, and keeps what a living dossier still holds."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict
from app.core.transaction import unit_of_work
from app.documents.fulltext import indexing
from app.dossiers import destruction, filing, items, transfer
from app.dossiers.states import DossierStatus
from app.incoming.models import IncomingDocument, IncomingFile
from app.outgoing import services as outgoing
from app.outgoing.models import (
    OutgoingAttachment,
    OutgoingDocument,
    OutgoingReview,
    OutgoingStatus,
    OutgoingVersion,
)
from app.workflow.models import WorkflowInstance
from tests.conftest import login
from tests.dossiers.conftest import make_dossier
from tests.dossiers.helpers_archive import store
from tests.incoming.conftest import pki, signed_pdf  # noqa: F401  (fixtures)
from tests.incoming.test_printing import Procedure, at
from tests.outgoing.conftest import (  # noqa: F401  (fixtures)
    attachment_bytes,
    demo_pki,
    draft_bytes,
    issued_document,
    new_draft,
    outgoing_office,
    trusted_demo,
)

LATER = datetime(2037, 1, 5, 2, 0, tzinfo=UTC)
DECISION = "12/QĐ-UBND"


@pytest.fixture
def org(outgoing_office, create_user):  # noqa: F811
    """The issuing office (UBND, SNV and STC receiving in the same deployment) with an archivist."""
    archivist = create_user(roles=("luu_tru",), agency=outgoing_office.agency, username="luutru")
    outgoing_office.archivist = archivist
    return outgoing_office


@pytest.fixture
def documents(org, frozen_clock, signed_pdf, draft_bytes, attachment_bytes):  # noqa: F811
    """A registered incoming document and an issued outgoing one (with an attachment), dispatched to SNV and STC."""
    incoming = Procedure(org, frozen_clock, signed_pdf).register(when=at(23)).document
    issued = issued_document(org, draft_bytes, attachments=[("phu-luc.pdf", attachment_bytes)])
    return incoming, issued


def archived(org, *documents, notation="01.TH"):
    """A dossier of spec_a1 holding the documents, closed, transferred and accepted by the archivist."""
    dossier = make_dossier(org.spec_a1, notation=notation)
    for kind, object_id in documents:
        filing.file_document(None, dossier, kind, object_id, auto=True)
    dossier.status, dossier.end_date = DossierStatus.CLOSED, date(2026, 12, 31)
    db.session.flush()
    sent = transfer.submit(org.spec_a1, [dossier.id], name="Hồ sơ năm 2026")
    transfer.accept(org.archivist, sent.id, sent.entries[0].id)
    db.session.flush()
    return dossier


def execute(org, dossiers):
    with clock.frozen(LATER), unit_of_work():
        listed = destruction.create(org.archivist, title="Danh mục hủy 2037", dossier_ids=[d.id for d in dossiers])
        destruction.propose(org.archivist, listed.id, council_opinion="Hội đồng thống nhất hủy.")
        destruction.approve(org.leader, listed.id, decision_number=DECISION, decision_date=date(2037, 1, 4))
        destruction.execute(org.archivist, listed.id)
    db.session.expire_all()
    return listed


def digests_of(incoming: IncomingDocument, issued: OutgoingDocument) -> dict[str, set[str]]:
    versions = db.session.scalars(sa.select(OutgoingVersion).where(OutgoingVersion.document_id == issued.id)).all()
    attachments = db.session.scalars(
        sa.select(OutgoingAttachment).where(OutgoingAttachment.document_id == issued.id)
    ).all()
    return {
        "incoming": {f.sha256 for f in incoming.files},
        "outgoing": {v.sha256 for v in versions}
        | {v.source_sha256 for v in versions if v.source_sha256}
        | {a.sha256 for a in attachments}
        | {a.signed_sha256 for a in attachments if a.signed_sha256},
    }


def received_copies(org) -> set[str]:
    """The blobs of the recipient agencies' incoming copies (same deployment: the same bytes, the same digest)."""
    return set(
        db.session.scalars(
            sa.select(IncomingFile.sha256)
            .join(IncomingDocument, IncomingDocument.id == IncomingFile.document_id)
            .where(IncomingDocument.agency_id.in_([org.snv.agency.id, org.stc.agency.id]))
        )
    )


def test_destruction_destroys_the_content_of_documents_only_its_dossiers_held(org, documents):
    incoming, issued = documents
    digests = digests_of(incoming, issued)
    shared = received_copies(org)
    assert digests["incoming"] and len(digests["outgoing"]) >= 3 and shared & digests["outgoing"]
    # The catalogue is written at the outermost commit (tests run inside one transaction): written here by hand,
    # with the PDF text as the extraction job would have read it.
    entry = indexing.refresh(db.session, "incoming", incoming.id)
    entry.body, entry.body_folded, entry.body_digest = "noi dung toan van", "noi dung toan van", entry.files_digest
    assert db.session.scalars(sa.select(OutgoingReview).where(OutgoingReview.document_id == issued.id)).first()
    dossier = archived(org, ("incoming", incoming.id), ("outgoing", issued.id))

    listed = execute(org, [dossier])

    # The bytes are gone from disk — except those the recipient agencies' copies still name.
    for digest in digests["incoming"] | (digests["outgoing"] - shared):
        assert not store().path_for(digest).exists(), digest
    for digest in shared & digests["outgoing"]:
        assert store().path_for(digest).exists()
    # The register lines stay, marked; the files, the cases and the searchable text are gone.
    incoming, issued = db.session.get(IncomingDocument, incoming.id), db.session.get(OutgoingDocument, issued.id)
    assert incoming.subject and incoming.arrival_number and issued.symbol and issued.subject
    for document in (incoming, issued):
        assert document.content_destroyed_at is not None and document.content_destruction_id == listed.id
    assert incoming.files == [] and issued.versions == [] and issued.attachments == [] and issued.reviews == []
    for kind, document in (("incoming", incoming), ("outgoing", issued)):
        case = sa.select(WorkflowInstance.id).where(
            WorkflowInstance.object_type == kind, WorkflowInstance.object_id == str(document.id)
        )
        assert db.session.scalar(case) is None
    entry = indexing.refresh(db.session, "incoming", incoming.id)  # what the commit's indexing does
    assert entry.body == "" and entry.body_folded == "" and entry.subject == incoming.subject
    # The record lists every blob with its fate.
    [record] = listed.entries
    lines = {line["sha256"]: line for line in record.files if line.get("sha256")}
    assert set(lines) == digests["incoming"] | digests["outgoing"]
    for digest, line in lines.items():
        assert line["fate"] == ("shared" if digest in shared else "destroyed"), line
    assert {line["object_type"] for line in lines.values()} == {"incoming", "outgoing"}
    # Audited, per document, with the decision.
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action.in_(["incoming.content_destroy", "outgoing.content_destroy"]))
    ).all()
    assert sorted(e.action for e in events) == ["incoming.content_destroy", "outgoing.content_destroy"]
    assert all(DECISION in e.summary and e.actor_id == org.archivist.id for e in events)


def test_pages_show_the_notice_and_files_are_refused(app, org, documents, api_token):
    incoming, issued = documents
    file_id = incoming.files[0].id
    version_id = issued.versions[-1].id
    attachment_id = issued.attachments[0].id
    listed = execute(org, [archived(org, ("incoming", incoming.id), ("outgoing", issued.id))])
    archive = app.test_client()
    login(archive, org.archivist.username)
    record = archive.get(f"/archive/destructions/{listed.id}").get_data(as_text=True)
    assert incoming.subject in record and "Đã xóa tệp" in record and "Tệp còn thuộc đối tượng khác" in record
    client = app.test_client()
    login(client, org.clerk.username)
    headers = api_token(org.clerk)
    for page in (f"/incoming/{incoming.id}", f"/outgoing/{issued.id}"):
        html = client.get(page).get_data(as_text=True)
        assert 'data-testid="content-destroyed"' in html, page
        assert "Nội dung văn bản đã được hủy theo danh mục tài liệu hết giá trị" in html
        assert f"Quyết định số {DECISION} ngày 04/01/2037" in html
    assert "incoming-files" not in client.get(f"/incoming/{incoming.id}").get_data(as_text=True)
    for url in (
        f"/incoming/{incoming.id}/files/{file_id}",
        f"/outgoing/{issued.id}/versions/{version_id}",
        f"/outgoing/{issued.id}/attachments/{attachment_id}",
    ):
        assert client.get(url).status_code == 410, url
    for url in (f"/api/v1/incoming/{incoming.id}", f"/api/v1/outgoing/{issued.id}"):
        detail = client.get(url, headers=headers).get_json()
        assert detail["content_destroyed_at"] and detail["content_destruction_id"] == listed.id, url
    api = (f"/api/v1/incoming/{incoming.id}/files/{file_id}", f"/api/v1/outgoing/{issued.id}/versions/{version_id}")
    for url in api:
        refused = client.get(url, headers=headers)
        assert refused.status_code == 410 and refused.get_json()["code"] == "content_destroyed", url
    # Another agency still gets 404 by id (tenancy), not the notice.
    other = app.test_client()
    login(other, org.snv.clerk.username)
    assert other.get(f"/outgoing/{issued.id}").status_code == 404
    assert other.get(api[0], headers=api_token(org.snv.clerk)).status_code == 404


def test_a_destroyed_document_cannot_be_filed_again(org, documents):
    incoming, issued = documents
    execute(org, [archived(org, ("incoming", incoming.id), ("outgoing", issued.id))])
    fresh = make_dossier(org.spec_a1, notation="07.TH", year=2037)
    for kind, object_id in (("incoming", incoming.id), ("outgoing", issued.id)):
        with pytest.raises(Conflict) as refused:
            filing.file_document(None, fresh, kind, object_id, auto=True)
        assert refused.value.code == "content_destroyed"
    assert items.document_panel(org.spec_a1, "incoming", incoming.id) is None  # no "Lưu vào hồ sơ" offered


def test_a_document_another_living_dossier_holds_keeps_its_content(org, documents):
    incoming, issued = documents
    digests = digests_of(incoming, issued)
    doomed = archived(org, ("incoming", incoming.id), ("outgoing", issued.id), notation="01.TH")
    living = make_dossier(org.spec_a2, notation="05.TH")
    filing.file_document(None, living, "incoming", incoming.id, auto=True)
    draft = db.session.scalars(sa.select(OutgoingVersion).where(OutgoingVersion.document_id == issued.id)).first()
    filing.file_document(None, living, "draft", draft.id, auto=True)  # a draft held: the document stays whole
    db.session.flush()

    listed = execute(org, [doomed])

    for digest in digests["incoming"] | digests["outgoing"]:
        assert store().path_for(digest).exists()
    assert db.session.get(IncomingDocument, incoming.id).content_destroyed_at is None
    assert db.session.get(OutgoingDocument, issued.id).content_destroyed_at is None
    kept = [line for line in listed.entries[0].files if line["fate"] == "kept"]
    assert {line["object_type"] for line in kept} == {"incoming", "outgoing"}
    assert all(living.file_code in line["reason"] for line in kept)
    assert {d for line in kept for d in line["documents_sha256"]} <= digests["incoming"] | digests["outgoing"]


def test_two_dossiers_destroyed_together_destroy_a_document_they_share(org, documents):
    incoming, _issued = documents
    digests = {f.sha256 for f in incoming.files}
    first = archived(org, ("incoming", incoming.id), notation="01.TH")
    second = archived(org, ("incoming", incoming.id), notation="02.TH")
    listed = execute(org, [first, second])
    assert all(not store().path_for(d).exists() for d in digests)
    fates = [[line["fate"] for line in entry.files] for entry in listed.entries]
    assert set(fates[0]) == {"destroyed"} and fates[1] == ["content_gone"]


def test_a_failed_execution_leaves_every_document_whole(org, documents):
    from app.dossiers import retention

    incoming, issued = documents
    digests = digests_of(incoming, issued)
    dossier = archived(org, ("incoming", incoming.id), ("outgoing", issued.id), notation="01.TH")
    held = archived(org, ("outgoing", issued.id), notation="02.TH")
    with clock.frozen(LATER):
        with unit_of_work():
            listed = destruction.create(org.archivist, title="Danh mục", dossier_ids=[dossier.id, held.id])
            destruction.propose(org.archivist, listed.id, council_opinion="Đồng ý.")
            destruction.approve(org.leader, listed.id, decision_number=DECISION, decision_date=date(2037, 1, 4))
            retention.create_hold(org.archivist, name="Thanh tra", reason="Vụ việc", dossier_ids=[held.id])
        with pytest.raises(Conflict) as refused, unit_of_work():
            destruction.execute(org.archivist, listed.id)
    assert refused.value.code == "dossier_on_hold"
    db.session.expire_all()
    assert db.session.get(IncomingDocument, incoming.id).files
    assert db.session.get(OutgoingDocument, issued.id).content_destroyed_at is None
    assert all(store().path_for(d).exists() for ds in digests.values() for d in ds)


def test_recalled_or_cancelled_outgoing_documents_are_not_filed(org, draft_bytes):  # noqa: F811
    draft = new_draft(org, draft_bytes)
    dossier = make_dossier(org.spec_a1)
    version = draft.versions[0]
    refusals = ((OutgoingStatus.CANCELLED, "document_cancelled"), (OutgoingStatus.RECALLED, "document_recalled"))
    for status, code in refusals:
        draft.status = status
        db.session.flush()
        with pytest.raises(Conflict) as refused:
            filing.file_document(org.spec_a1, dossier, "draft", version.id)
        assert refused.value.code == code
    assert outgoing.get_document(org.spec_a1, draft.id).status == OutgoingStatus.RECALLED


def test_nothing_is_copied_or_sent_again_from_a_destroyed_document(org, documents):
    from app.copies import services as copies
    from app.core.errors import Gone
    from app.outgoing import packages

    incoming, issued = documents
    execute(org, [archived(org, ("incoming", incoming.id), ("outgoing", issued.id))])
    with pytest.raises(Gone) as copy:
        copies.make_copy(org.clerk, form="SY", source_kind="incoming", source_id=incoming.id)
    with pytest.raises(Gone) as package:
        packages.package_files(db.session.get(OutgoingDocument, issued.id))
    assert copy.value.code == package.value.code == "content_destroyed"


def test_a_lone_draft_goes_alone_and_the_document_keeps_its_content(org, documents):
    _incoming, issued = documents
    draft = issued.draft_versions[0]
    digest, draft_id, main_digest = draft.sha256, draft.id, issued.main_version.sha256
    assert digest != main_digest
    listed = execute(org, [archived(org, ("draft", draft_id))])
    assert not store().path_for(digest).exists() and store().path_for(main_digest).exists()
    issued = db.session.get(OutgoingDocument, issued.id)
    assert issued.content_destroyed_at is None and draft_id not in {v.id for v in issued.versions}
    [line] = listed.entries[0].files
    assert (line["sha256"], line["origin"], line["fate"]) == (digest, "version", "destroyed")

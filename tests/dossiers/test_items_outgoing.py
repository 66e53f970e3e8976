"""Filing outgoing documents, their drafts (dự thảo lần 1, 2 …) and uploaded files with automatic ordinals
(NĐ 30/2020 Phụ lục VI III.4.b–c); the "Hồ sơ" panel of an outgoing document's page."""

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import NotFound, ValidationError
from app.documents.uploads import Upload
from app.dossiers import items
from app.outgoing import services as outgoing
from app.outgoing.models import OutgoingVersion
from tests.dossiers.conftest import make_dossier
from tests.dossiers.helpers_dossier import JPEG, MP3, MP4, PDF
from tests.outgoing.conftest import (  # noqa: F401  (fixtures)
    demo_pki,
    draft_bytes,
    issued_document,
    make_draft,
    new_draft,
    outgoing_office,
    trusted_demo,
)


def versions(document) -> list[OutgoingVersion]:
    query = sa.select(OutgoingVersion).where(OutgoingVersion.document_id == document.id)
    return list(db.session.scalars(query.order_by(OutgoingVersion.number)))


def test_drafts_the_issued_document_and_files_take_ordinals_in_filing_order(outgoing_office, draft_bytes, frozen_clock):  # noqa: F811
    org = outgoing_office
    document = new_draft(org, draft_bytes)
    outgoing.upload_version(org.spec_a1, document.id, Upload("du-thao-2.pdf", make_draft("Dự thảo lần hai")))
    first, second = versions(document)
    dossier = make_dossier(org.spec_a1)
    draft_1 = items.file_document(org.spec_a1, dossier.id, "draft", first.id)
    draft_2 = items.file_document(org.spec_a1, dossier.id, "draft", second.id)
    assert "(dự thảo lần 1)" in draft_1.subject and "(dự thảo lần 2)" in draft_2.subject
    with pytest.raises(ValidationError) as unissued:  # only an issued document is filed as the document itself
        items.file_document(org.spec_a1, dossier.id, "outgoing", document.id)
    assert unissued.value.code == "document_not_issued"
    photo = items.file_upload(org.spec_a1, dossier.id, filename="hien-truong.jpg", data=JPEG, subject="Ảnh hiện trường")
    sound = items.file_upload(org.spec_a1, dossier.id, filename="ghi-am", data=MP3, pages=0)
    video = items.file_upload(org.spec_a1, dossier.id, filename="hop.mp4", data=MP4, subject="Video cuộc họp")
    assert [i.ordinal for i in (draft_1, draft_2, photo, sound, video)] == [1, 2, 3, 4, 5]
    assert [i.content_type for i in (photo, sound, video)] == ["image/jpeg", "audio/mpeg", "video/mp4"]
    assert sound.subject == "ghi-am"  # no subject given: the file's name
    item, data = items.item_file(org.spec_a1, dossier.id, photo.id)
    assert data == JPEG and item.sha256 and item.size == len(JPEG)
    assert dossier.doc_total == 5
    report = items.file_upload(org.spec_a1, dossier.id, filename="bao-cao.pdf", data=PDF)
    assert report.pages == 1  # left blank: the PDF counts its own pages (not "0 trang" on the hand-over list)
    assert items.file_upload(org.spec_a1, dossier.id, filename="bao-cao-2.pdf", data=PDF, pages=3).pages == 3
    # The panel of the draft's page: the dossier holds its drafts; filing from there files the latest draft.
    panel = items.document_panel(org.spec_a1, "outgoing", document.id)
    assert [d.id for d in panel.holding] == [dossier.id] and (panel.kind, panel.object_id) == ("draft", second.id)


def test_an_issued_document_is_filed_with_its_number(outgoing_office, draft_bytes, frozen_clock):  # noqa: F811
    org = outgoing_office
    document = issued_document(org, draft_bytes)
    dossier = make_dossier(org.spec_a1)
    item = items.file_document(org.spec_a1, dossier.id, "outgoing", document.id)
    assert item.code_notation == document.symbol and "/" in document.symbol  # "01/UBND-TH", once
    assert item.dated_on == document.issued_date and item.author == document.organ_name
    assert document.file_code == dossier.file_code
    [found] = [c for c in items.candidates(org.spec_a1, document.symbol) if c.kind == "outgoing"]
    assert found.object_id == document.id and found.drafts  # its drafts can be filed too


def test_an_upload_is_checked_like_every_upload(outgoing_office, app, frozen_clock):  # noqa: F811
    org = outgoing_office
    dossier = make_dossier(org.spec_a1)
    for data, code in ((b"", "empty_file"), (b"MZ\x90\x00 an executable", "executable_file")):
        with pytest.raises(ValidationError) as refused:
            items.file_upload(org.spec_a1, dossier.id, filename="x.jpg", data=data)
        assert refused.value.code == code
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 32
    try:
        with pytest.raises(ValidationError) as too_large:
            items.file_upload(org.spec_a1, dossier.id, filename="anh.jpg", data=JPEG)
        assert too_large.value.code == "file_too_large"
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    # A PDF with active content is refused (the archive keeps files as filed; PDF/A allows no script nor launch).
    from tests.documents import pdf_corpus

    with pytest.raises(ValidationError) as active:
        items.file_upload(org.spec_a1, dossier.id, filename="to-trinh.pdf", data=pdf_corpus.launch())
    assert active.value.code == "pdf_active_content" and "Launch" in active.value.message
    assert dossier.doc_total == 0
    with pytest.raises(NotFound):  # another person's dossier: not hers to see
        items.file_upload(org.spec_b, dossier.id, filename="anh.jpg", data=JPEG)


def test_the_outgoing_page_files_the_latest_draft(client, outgoing_office, draft_bytes, frozen_clock):  # noqa: F811
    from tests.conftest import csrf_token, login

    org = outgoing_office
    document = new_draft(org, draft_bytes)
    [first] = versions(document)
    dossier = make_dossier(org.spec_a1)
    login(client, "cv.a1")
    page = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert "Lưu vào hồ sơ (dự thảo)" in page and f'name="object_id" value="{first.id}"' in page
    filed = client.post(
        "/dossiers/file",
        data={
            "csrf_token": csrf_token(client, f"/outgoing/{document.id}"),
            "dossier_id": dossier.id,
            "kind": "draft",
            "object_id": first.id,
            "document_kind": "outgoing",
            "document_id": document.id,
        },
    )
    assert filed.status_code == 302 and filed.headers["Location"].endswith(f"/outgoing/{document.id}")
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "(dự thảo lần 1)" in page and f'href="/outgoing/{document.id}"' in page


def test_the_orphan_sweep_keeps_the_files_of_dossiers(outgoing_office, frozen_clock):  # noqa: F811
    from app.maintenance import referenced_blobs

    dossier = make_dossier(outgoing_office.spec_a1)
    item = items.file_upload(outgoing_office.spec_a1, dossier.id, filename="anh.jpg", data=JPEG)
    assert referenced_blobs([item.sha256, "0" * 64]) == {item.sha256}


def test_a_recalled_document_is_not_offered_for_filing(outgoing_office, draft_bytes, frozen_clock):  # noqa: F811
    from app.outgoing.recall import recall_outgoing

    org = outgoing_office
    document = issued_document(org, draft_bytes)
    assert [c for c in items.candidates(org.spec_a1, document.symbol) if c.object_id == document.id]
    recall_outgoing(org.leader, document.id, "Văn bản ban hành sai thẩm quyền")
    assert [c for c in items.candidates(org.spec_a1, document.symbol) if c.object_id == document.id] == []

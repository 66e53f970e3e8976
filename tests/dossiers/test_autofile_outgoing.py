"""Automatic filing at the end of a văn bản đi procedure (seed 000 Điều 19.2.b: "văn bản đi đã phát hành, quá trình
luân chuyển và thông tin trong chỉ đạo soạn thảo"; "khởi tạo dự thảo, trình dự thảo … (lần 1, 2, 3 …)")."""

import io

import pytest
import sqlalchemy as sa
from flask import current_app
from pypdf import PdfReader

from app.core.db import db
from app.documents.uploads import Upload
from app.dossiers import filing, unfiled
from app.dossiers.models import DossierItem
from app.outgoing import services
from app.workflow import services as wf
from tests.dossiers.conftest import make_dossier
from tests.outgoing.conftest import (  # noqa: F401  (fixtures)
    demo_pki,
    draft_bytes,
    issue,
    make_draft,
    new_draft,
    outgoing_office,
    sign,
    task_named,
    to_signing,
    trusted_demo,
)

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _items(dossier):
    return db.session.scalars(
        sa.select(DossierItem).where(DossierItem.dossier_id == dossier.id).order_by(DossierItem.ordinal)
    ).all()


def _pdf_text(item) -> str:
    data = current_app.extensions["qlvb.blobs"].read(item.sha256)
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_issued_document_drafts_and_history_land_in_the_chosen_dossier(outgoing_office, draft_bytes):  # noqa: F811
    office = outgoing_office
    dossier = make_dossier(office.spec_a1, title="Hồ sơ báo cáo biên chế")
    document = new_draft(office, draft_bytes)
    to_signing(office, document)
    wf.complete_task(
        office.leader, task_named(document, "approve_sign").id, {"y_kien": "Xem lại nơi nhận"}, outcome="return"
    )
    services.upload_version(office.spec_a1, document.id, Upload("lan-2.pdf", make_draft()))
    wf.complete_task(  # the drafter's "Chỉnh sửa dự thảo" form names the dossier
        office.spec_a1, task_named(document, "revise_draft").id, {"dossier_id": dossier.id}, outcome="resubmit"
    )
    wf.complete_task(office.unit_leader, task_named(document, "review_content").id, {}, outcome="approve")
    wf.complete_task(office.clerk, task_named(document, "check_format").id, {}, outcome="approve")
    sign(office, document)
    issue(office, document)
    assert document.issued_at is not None

    drafts = sorted((v for v in document.versions if v.stage == "draft"), key=lambda v: v.number)
    assert [v.number for v in drafts] == [1, 2]
    items = _items(dossier)
    assert [(i.kind, i.auto, i.object_type, i.object_id) for i in items] == [
        ("outgoing", True, "outgoing", document.id),
        ("draft", True, "outgoing_version", drafts[0].id),
        ("draft", True, "outgoing_version", drafts[1].id),
        ("history", True, "outgoing", document.id),
    ]
    assert "dự thảo lần 1" in items[1].subject and "dự thảo lần 2" in items[2].subject
    assert items[0].code_notation == document.symbol  # "01/UBND-TH": the số once, not "01/01/UBND-TH"
    text = _pdf_text(items[3])
    for expected in (
        "QUÁ TRÌNH XỬ LÝ VĂN BẢN ĐI",
        "Duyệt nội dung dự thảo",
        "Chỉnh sửa dự thảo",
        "Ký duyệt văn bản",
        "Xem lại nơi nhận",  # the signer's return, in the steps and the reviews
        "Trần Văn Minh",
        "Võ Quốc Bảo",  # the drafter
        "Bản phát hành",  # the issued stage of the versions
        f"Lưu vào hồ sơ: {dossier.file_code}",  # the drafter's choice, by the dossier's code
    ):
        assert expected in text, expected
    assert unfiled.unfiled(office.spec_a1) == []


def test_a_draft_filed_by_hand_brings_the_issued_document_and_history(outgoing_office, draft_bytes):  # noqa: F811
    office = outgoing_office
    dossier = make_dossier(office.spec_a1)
    document = new_draft(office, draft_bytes)
    [first] = document.versions
    filing.file_document(office.spec_a1, dossier, "draft", first.id)  # the drafter filed lần 1 while drafting
    to_signing(office, document)
    sign(office, document)
    issue(office, document)
    assert [(i.kind, i.auto) for i in _items(dossier)] == [("draft", False), ("outgoing", True), ("history", True)]


def test_an_issued_document_in_no_dossier_waits_on_the_drafters_list(outgoing_office, draft_bytes):  # noqa: F811
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    to_signing(office, document)
    sign(office, document)
    issue(office, document)
    [waiting] = unfiled.unfiled(office.spec_a1)
    assert (waiting.object_type, waiting.id) == ("outgoing", document.id)
    assert unfiled.unfiled(office.leader) == []

"""Automatic filing at the end of a văn bản đến procedure (seed 000 Điều 19.2.b; NĐ 30 Phụ lục VI III.5.a): the
document and its processing history (a PDF, read back with pypdf) land in the dossier the handler chose."""

import io

import pytest
import sqlalchemy as sa
from flask import current_app
from pypdf import PdfReader

from app.core.db import db
from app.core.errors import ValidationError
from app.dossiers import filing, unfiled
from app.dossiers import history as history_module
from app.dossiers.models import DossierItem
from app.dossiers.states import move
from app.notifications.models import Notification
from app.workflow import services as wf
from app.workflow.models import HumanTask
from tests.conftest import login
from tests.dossiers.conftest import make_dossier
from tests.incoming.conftest import accept_and_register, incoming_office, pki, receive, signed_pdf, trusted  # noqa: F401
from tests.workflow.conftest import open_tasks

pytestmark = pytest.mark.usefixtures("frozen_clock")
DIRECTION = "Giao Phòng Tổng hợp tham mưu trả lời trước ngày 27/11"


def _to_handling(office, pdf, *, coordinate=False):
    """An incoming document registered and directed to spec_a1 (named directly); (document, instance, tasks)."""
    document = receive(office, pdf)
    instance, direct = accept_and_register(office, document)
    wf.complete_task(
        office.leader,
        direct.id,
        {
            "y_kien_chi_dao": DIRECTION,
            "lead_unit_id": office.unit_a.id,
            "lead_user_id": office.spec_a1.id,
            **({"coordinate_unit_ids": [office.unit_b.id]} if coordinate else {}),
        },
    )
    return document, instance, {t.task_name: t for t in open_tasks(instance)}


def _handle(office, tasks, **values):
    wf.complete_task(
        office.spec_a1,
        tasks["handle_document"].id,
        {"ket_qua": "Đã dự thảo công văn trả lời", **values},
        outcome="hoan_thanh",
    )


def _items(dossier):
    return db.session.scalars(
        sa.select(DossierItem).where(DossierItem.dossier_id == dossier.id).order_by(DossierItem.ordinal)
    ).all()


def _pdf_text(item) -> str:
    data = current_app.extensions["qlvb.blobs"].read(item.sha256)
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_the_chosen_dossier_gets_the_document_and_its_history(incoming_office, signed_pdf):  # noqa: F811  (imported fixtures)
    office = incoming_office
    dossier = make_dossier(office.spec_a1, title="Hồ sơ biên chế công chức năm 2027")
    document, instance, tasks = _to_handling(office, signed_pdf)
    _handle(office, tasks, dossier_id=dossier.id)
    db.session.refresh(instance)
    assert instance.status == "completed"

    items = _items(dossier)
    assert [(i.kind, i.auto, i.object_type, i.object_id) for i in items] == [
        ("incoming", True, "incoming", document.id),
        ("history", True, "incoming", document.id),
    ]
    history = items[1]
    assert history.content_type == "application/pdf" and history.pages >= 1 and history.filed_by_id is None
    assert history.subject.startswith("Quá trình xử lý văn bản đến")
    text = _pdf_text(history)
    for expected in (
        "QUÁ TRÌNH XỬ LÝ VĂN BẢN ĐẾN",
        "Kiểm tra văn bản đến",
        "Vào sổ văn bản đến",
        "Cho ý kiến chỉ đạo",
        "Giải quyết văn bản",
        "Trần Văn Minh",  # the leader who directed
        "Võ Quốc Bảo",  # the handler
        "Giao Phòng Tổng hợp tham mưu",  # the direction
        "Đã dự thảo công văn trả lời",  # the result
        "Chủ trì",  # the assignment
    ):
        assert expected in text, expected
    data = history_module.attached_data(current_app.extensions["qlvb.blobs"].read(history.sha256))
    assert data["object_type"] == "incoming" and data["object_id"] == document.id  # the same history as JSON
    assert [s["step"] for s in data["steps"]][:3] == [
        "Kiểm tra văn bản đến",
        "Vào sổ văn bản đến",
        "Cho ý kiến chỉ đạo",
    ]
    assert ["Ý kiến chỉ đạo", DIRECTION] in [list(row) for row in data["document"]]
    assert dossier.doc_total == 2
    db.session.refresh(document)
    assert document.file_code == dossier.file_code  # Phụ lục VI Phần II.I field 1
    assert unfiled.unfiled(office.spec_a1) == []


def test_a_document_filed_by_hand_gets_only_its_history(incoming_office, signed_pdf):  # noqa: F811  (imported fixtures)
    office = incoming_office
    dossier = make_dossier(office.spec_a1)
    document, _instance, tasks = _to_handling(office, signed_pdf)
    filing.file_document(office.spec_a1, dossier, "incoming", document.id)  # "Lưu vào hồ sơ" while handling
    _handle(office, tasks)
    assert [(i.kind, i.auto) for i in _items(dossier)] == [("incoming", False), ("history", True)]


def test_nothing_chosen_and_in_no_dossier_waits_on_the_handlers_list(incoming_office, signed_pdf, client):  # noqa: F811  (imported fixtures)
    office = incoming_office
    dossier = make_dossier(office.spec_a1)
    document, _instance, tasks = _to_handling(office, signed_pdf)
    _handle(office, tasks)
    assert _items(dossier) == []
    [waiting] = unfiled.unfiled(office.spec_a1)
    assert (waiting.object_type, waiting.id, waiting.url) == ("incoming", document.id, f"/incoming/{document.id}")
    assert unfiled.unfiled(office.spec_a2) == []  # only the handler's

    login(client, office.spec_a1.username)
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="home-panel-unfiled_documents"' in home and f"/incoming/{document.id}" in home

    filing.file_document(office.spec_a1, dossier, "incoming", document.id)  # filed by hand: off the list
    assert unfiled.unfiled(office.spec_a1) == [] and unfiled.unfiled_count(office.spec_a1) == 0


def test_only_ones_own_open_dossiers_may_be_chosen(incoming_office, signed_pdf):  # noqa: F811  (imported fixtures)
    office = incoming_office
    others = make_dossier(office.spec_a2, notation="02.TH")
    closed = make_dossier(office.spec_a1, notation="03.TH", status="closed")
    _document, _instance, tasks = _to_handling(office, signed_pdf)
    for dossier in (others, closed):
        with pytest.raises(ValidationError) as err:
            _handle(office, tasks, dossier_id=dossier.id)
        assert "dossier_id" in err.value.details
    choices = wf.field_choices(office.spec_a1, tasks["handle_document"].id, "dossier_id")
    assert choices == []  # spec_a1 has no open dossier of their own


def test_a_dossier_closed_before_the_end_is_skipped_and_the_handler_told(incoming_office, signed_pdf):  # noqa: F811  (imported fixtures)
    office = incoming_office
    dossier = make_dossier(office.spec_a1)
    document, instance, tasks = _to_handling(office, signed_pdf, coordinate=True)
    _handle(office, tasks, dossier_id=dossier.id)  # the coordinating unit's opinion is still awaited
    move(dossier, "close", office.spec_a1)
    wf.complete_task(office.spec_b, tasks["give_opinion"].id, {"y_kien_phoi_hop": "Thống nhất"})
    db.session.refresh(instance)
    assert instance.status == "completed" and _items(dossier) == []
    [notice] = db.session.scalars(
        sa.select(Notification).where(
            Notification.user_id == office.spec_a1.id, Notification.kind == "dossier_autofile_skipped"
        )
    ).all()
    assert dossier.file_code in notice.body and "Đã kết thúc" in notice.body
    assert notice.url == f"/incoming/{document.id}"


def test_a_returned_document_is_never_filed(incoming_office, signed_pdf):  # noqa: F811  (imported fixtures)
    office = incoming_office
    document = receive(office, signed_pdf)
    from tests.incoming.conftest import instance_of

    [check] = open_tasks(instance_of(document))
    wf.complete_task(office.clerk, check.id, {"ly_do_tra_lai": "Sai nơi nhận"}, outcome="tra_lai")
    assert instance_of(document).status == "completed"
    assert db.session.scalar(sa.select(sa.func.count(DossierItem.id))) == 0
    assert unfiled.unfiled(office.clerk) == []


def test_the_unfiled_panel_through_the_api(incoming_office, signed_pdf, client, api_token):  # noqa: F811
    office = incoming_office
    _document, _instance, tasks = _to_handling(office, signed_pdf)
    _handle(office, tasks)
    response = client.get("/api/v1/home", headers=api_token(office.spec_a1))
    panels = {p["id"]: p for p in response.json["panels"]}
    assert [f["count"] for f in panels["unfiled_documents"]["figures"]] == [1]
    response = client.get("/api/v1/home", headers=api_token(office.spec_a2))
    assert "unfiled_documents" not in {p["id"] for p in response.json["panels"]}


def test_a_dossier_of_another_agency_is_never_filed_into(incoming_office, signed_pdf, create_agency, create_user):  # noqa: F811
    """Tenancy at the end too: whatever id the case carries, only a dossier of the document's agency is used."""
    office = incoming_office
    other = create_agency(code="000.00.98.H33", name="Sở Tài chính")
    foreign = make_dossier(create_user(agency=other, username="cv.stc"), notation="09.TC")
    own = make_dossier(office.spec_a1)
    _document, _instance, tasks = _to_handling(office, signed_pdf, coordinate=True)
    _handle(office, tasks, dossier_id=own.id)
    handled = db.session.get(HumanTask, tasks["handle_document"].id)
    handled.submitted = {**handled.submitted, "dossier_id": foreign.id}  # a case carrying another agency's id
    db.session.flush()
    wf.complete_task(office.spec_b, tasks["give_opinion"].id, {"y_kien_phoi_hop": "Thống nhất"})
    assert _items(foreign) == [] and _items(own) == []
    [notice] = db.session.scalars(sa.select(Notification).where(Notification.kind == "dossier_autofile_skipped")).all()
    assert notice.user_id == office.spec_a1.id and "Không tìm thấy hồ sơ" in notice.body


def test_the_handling_page_offers_the_handlers_own_open_dossiers(incoming_office, signed_pdf, client):  # noqa: F811
    office = incoming_office
    mine = make_dossier(office.spec_a1, title="Hồ sơ của tôi")
    make_dossier(office.spec_a2, notation="02.TH", title="Hồ sơ của đồng nghiệp")
    make_dossier(office.spec_a1, notation="03.TH", title="Hồ sơ đã kết thúc", status="closed")
    _document, _instance, tasks = _to_handling(office, signed_pdf)
    login(client, office.spec_a1.username)
    html = client.get(f"/tasks/{tasks['handle_document'].id}").get_data(as_text=True)
    assert "Lưu vào hồ sơ" in html and f'value="{mine.id}"' in html and "Hồ sơ của tôi" in html
    assert "Hồ sơ của đồng nghiệp" not in html and "Hồ sơ đã kết thúc" not in html

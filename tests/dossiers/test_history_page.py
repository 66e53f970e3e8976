"""The processing history on the dossier page (found by tests/e2e/test_dossier_ui.py): its row opens the PDF, not
the document's page, and the dates the people chose on their forms read dd/mm/yyyy, as everywhere else."""

import re

import pytest
import sqlalchemy as sa
from flask import current_app

from app.core.db import db
from app.dossiers import history as history_module
from app.dossiers.models import DossierItem
from app.workflow import services as wf
from tests.conftest import login
from tests.dossiers.conftest import make_dossier
from tests.incoming.conftest import accept_and_register, incoming_office, pki, receive, signed_pdf, trusted  # noqa: F401
from tests.workflow.conftest import open_tasks

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _filed_with_history(office, pdf):
    """A văn bản đến directed with a deadline (a date field), handled into spec_a1's dossier."""
    dossier = make_dossier(office.spec_a1, title="Hồ sơ theo dõi văn bản chỉ đạo năm 2026")
    document = receive(office, pdf)
    instance, direct = accept_and_register(office, document)
    wf.complete_task(
        office.leader,
        direct.id,
        {
            "y_kien_chi_dao": "Giao Phòng Tổng hợp tham mưu.",
            "lead_unit_id": office.unit_a.id,
            "lead_user_id": office.spec_a1.id,
            "han_xu_ly": "2026-12-04",
        },
    )
    handle = next(t for t in open_tasks(instance) if t.task_name == "handle_document")
    wf.complete_task(
        office.spec_a1, handle.id, {"ket_qua": "Đã trả lời.", "dossier_id": dossier.id}, outcome="hoan_thanh"
    )
    items = db.session.scalars(
        sa.select(DossierItem).where(DossierItem.dossier_id == dossier.id).order_by(DossierItem.ordinal)
    ).all()
    return dossier, document, items


def test_the_history_row_opens_its_pdf(incoming_office, signed_pdf, client):  # noqa: F811  (imported fixtures)
    office = incoming_office
    dossier, document, (filed, history) = _filed_with_history(office, signed_pdf)
    assert (filed.kind, history.kind) == ("incoming", "history")
    login(client, office.spec_a1.username)
    html = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    rows = {m.group(1): m.group(2) for m in re.finditer(r'<tr data-item-id="(\d+)">(.*?)</tr>', html, re.S)}
    assert f'href="/incoming/{document.id}"' in rows[str(filed.id)]
    assert f'href="/dossiers/{dossier.id}/items/{history.id}/file"' in rows[str(history.id)]
    assert f"/incoming/{document.id}" not in rows[str(history.id)]
    opened = client.get(f"/dossiers/{dossier.id}/items/{history.id}/file")
    assert opened.status_code == 200 and opened.mimetype == "application/pdf"
    assert opened.data.startswith(b"%PDF")


def test_the_history_shows_form_dates_as_dd_mm_yyyy(incoming_office, signed_pdf):  # noqa: F811  (imported fixtures)
    _dossier, _document, (_filed, history) = _filed_with_history(incoming_office, signed_pdf)
    data = history_module.attached_data(current_app.extensions["qlvb.blobs"].read(history.sha256))
    shown = [value for step in data["steps"] for value in step["values"]]
    assert "Hạn giải quyết: 04/12/2026" in shown, shown
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", value) for value in shown), shown

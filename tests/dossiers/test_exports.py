"""Kết xuất hồ sơ (Phụ lục VI III.4.g): the PDF — Mục lục văn bản (Phụ lục V.IV) then the documents in
chronological order — and the XML of its metadata (Phần II.III, II.I–II); a missing file fails cleanly."""

import glob
import io
import os
import tempfile
from datetime import date

import pytest
from flask import current_app
from lxml import etree
from pypdf import PdfReader

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import Conflict
from app.dossiers import closing, exports, filing
from app.dossiers.closing import CloseRequest
from app.dossiers.models import Dossier
from tests.dossiers.conftest import make_dossier
from tests.dossiers.helpers_closing import add_pdf, incoming_document, outgoing_document, store


def closed_dossier(office):
    spec = office.spec_a1
    dossier = make_dossier(spec, title="Tổ chức hội nghị tổng kết năm 2026")
    add_pdf(spec, dossier, "Ke hoach", pages=2, dated_on=date(2026, 5, 4), notation="15/KH-SNV")
    doc = incoming_document(office.agency, "Cong van den", issued=date(2026, 3, 2), pages=1, number="123")
    filing.file_document(None, dossier, "incoming", doc.id, auto=True)
    photo = _png()
    filing.file_content(
        spec,
        dossier,
        sha256=store(photo),
        filename="anh.png",
        content_type="image/png",
        size=len(photo),
        subject="Ảnh hội nghị",
        dated_on=date(2026, 6, 1),
    )
    closing.close(spec, dossier, CloseRequest())
    return dossier, doc


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_pdf_starts_with_the_table_and_the_documents_follow_in_order(archive_office, frozen_clock, tmp_path):
    dossier, _doc = closed_dossier(archive_office)
    out = tmp_path / "hs.pdf"
    pages = exports.build_pdf(dossier, out)
    reader = PdfReader(out)
    assert pages == len(reader.pages) == 1 + 1 + 2 + 1  # table, incoming (1), plan (2), photo (1)
    table = reader.pages[0].extract_text()
    assert "MỤC LỤC VĂN BẢN, TÀI LIỆU" in table
    assert "Số, ký hiệu hồ sơ: 01.TH" in table and "Năm 2026" in table
    assert "123/SNV-TCBC" in table and "15/KH-SNV" in table
    assert "02/03/2026" in table
    assert "2" in table and "3–4" in table  # Tờ số/Trang số: running pages of each document in the export
    assert "Cong van den trang 1" in reader.pages[1].extract_text()
    assert "Ke hoach trang 1" in reader.pages[2].extract_text()
    assert "Ke hoach trang 2" in reader.pages[3].extract_text()
    assert "Ảnh hội nghị" in reader.pages[4].extract_text()


def test_the_xml_carries_the_dossier_and_document_metadata(archive_office, frozen_clock):
    dossier, doc = closed_dossier(archive_office)
    root = etree.fromstring(exports.build_xml(dossier))
    assert root.findtext("FileCode/OrganId") == archive_office.agency.code
    assert root.findtext("FileCode/FileCatalog") == "2026"
    assert root.findtext("FileCode/FileNotation") == "01.TH"
    assert root.findtext("Title") == "Tổ chức hội nghị tổng kết năm 2026"
    assert root.find("Maintenance").get("code") == "06"
    assert (root.findtext("DocTotal"), root.findtext("PageTotal")) == ("3", "3")  # the photo counts no page
    assert (root.findtext("StartDate"), root.findtext("EndDate")) == ("05/01/2026", "01/06/2026")
    docs = root.findall("Documents/Document")
    assert [d.findtext("DocOrdinal") for d in docs] == ["1", "2", "3"]
    first = docs[0]
    assert first.get("kind") == "incoming"
    assert (first.findtext("CodeNumber"), first.findtext("CodeNotation")) == ("123", "SNV-TCBC")
    assert (first.findtext("TypeName"), first.findtext("OrganName")) == ("Công văn", "Sở Nội vụ")
    assert first.findtext("IssuedDate") == "02/03/2026"
    assert first.findtext("Subject") == doc.subject
    assert docs[1].findtext("CodeNotation") == "15/KH-SNV"


def test_a_missing_file_fails_the_export_and_changes_nothing(archive_office, frozen_clock):
    dossier, doc = closed_dossier(archive_office)
    version = dossier.version
    digest = doc.files[0].sha256
    os.unlink(current_app.extensions["qlvb.blobs"].path_for(digest))
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "qlvb-export-*")))
    events = db.session.query(AuditEvent).filter_by(action="dossier.export").count()
    for fmt in ("pdf", "sip"):
        with pytest.raises(Conflict) as failed:
            exports.export(archive_office.spec_a1, dossier, fmt)
        assert failed.value.code == "dossier_file_missing"
        assert failed.value.details["ordinal"] == 1
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "qlvb-export-*"))) == before
    assert db.session.query(AuditEvent).filter_by(action="dossier.export").count() == events
    assert db.session.get(Dossier, dossier.id).version == version


def test_pages_and_api_export_for_those_who_may_see(archive_office, frozen_clock, client, api_token):
    from tests.conftest import login

    dossier, _doc = closed_dossier(archive_office)
    db.session.commit()
    headers = api_token(archive_office.unit_leader)  # sees his unit's dossiers
    with client.get(f"/api/v1/dossiers/{dossier.id}/export.pdf", headers=headers) as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert "MỤC LỤC" in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    with client.get(f"/api/v1/dossiers/{dossier.id}/export.xml", headers=headers) as response:
        assert etree.fromstring(response.data).findtext("FileCode/FileNotation") == "01.TH"
    assert db.session.query(AuditEvent).filter_by(action="dossier.export").count() == 2
    other = api_token(archive_office.spec_a2)
    with client.get(f"/api/v1/dossiers/{dossier.id}/export.pdf", headers=other) as response:
        assert response.status_code == 404

    login(client, archive_office.spec_a1.username)
    with client.get(f"/dossiers/{dossier.id}/export.pdf") as response:
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert f"{dossier.file_code}.pdf" in response.headers["Content-Disposition"]


def test_an_outgoing_document_exports_its_issued_original_and_a_draft_its_own_version(
    archive_office, frozen_clock, tmp_path
):
    spec = archive_office.spec_a1
    dossier = make_dossier(spec)
    doc = outgoing_document(archive_office, "QD", issued=date(2026, 7, 1))
    filing.file_document(None, dossier, "outgoing", doc.id, auto=True)
    filing.file_document(None, dossier, "draft", doc.versions[0].id, auto=True)
    assert [r.is_draft for r in closing.review(dossier)] == [False, True]  # the draft is dated today (23/11)
    exports.build_pdf(dossier, tmp_path / "hs.pdf")
    reader = PdfReader(tmp_path / "hs.pdf")
    assert "05/QĐ-UBND" in reader.pages[0].extract_text()
    assert "QD ban goc" in reader.pages[1].extract_text()
    assert "QD du thao" in reader.pages[2].extract_text()
    root = etree.fromstring(exports.build_xml(dossier))
    issued = root.find("Documents/Document")
    assert (issued.findtext("CodeNumber"), issued.findtext("CodeNotation")) == ("5", "QĐ-UBND")
    assert issued.findtext("TypeName") == "Quyết định"

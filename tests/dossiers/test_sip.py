"""The dossier's SIP ZIP (TT 05/2025 SIP_hoso, legal.md §3.2): METS with SHA-256 of every file, EAD of the hồ sơ and
of each tài liệu, the documents' files named <fileCode>.<7-digit ordinal>, the processing history, a manifest;
verify_sip finds tampering (NĐ 30 Phụ lục VI III.5.e: records, files and metadata that can move when the technology
changes)."""

import hashlib
import io
import json
import zipfile
from datetime import date

from lxml import etree

from app.core.db import db
from app.dossiers import closing, filing
from app.dossiers.closing import CloseRequest
from app.dossiers.sip import METS_NS, XLINK_NS, build_sip, verify_sip
from app.workflow.models import HumanTask
from tests.dossiers.conftest import make_dossier
from tests.dossiers.helpers_closing import add_pdf, incoming_document, store


def _dossier(office, *, history_of_doc=True):
    """Three items: the incoming document (10/02), a report (01/04), a processing history (02/04) — of the incoming
    document, or (history_of_doc False) of something else."""
    spec = office.spec_a1
    dossier = make_dossier(spec, title="Hồ sơ thi đua khen thưởng", keywords="thi đua")
    add_pdf(spec, dossier, "Bao cao", pages=2, dated_on=date(2026, 4, 1), notation="20/BC-SNV")
    doc = incoming_document(office.agency, "Cong van", issued=date(2026, 2, 10), number="45")
    filing.file_document(None, dossier, "incoming", doc.id, auto=True)
    history = json.dumps({"steps": ["Tiếp nhận", "Hoàn thành"]}, ensure_ascii=False).encode()
    filing.file_content(
        None,
        dossier,
        kind="history",
        sha256=store(history),
        filename="qua-trinh-xu-ly.json",
        content_type="application/json",
        size=len(history),
        subject="Quá trình xử lý báo cáo",
        auto=True,
        dated_on=date(2026, 4, 2),
        object_type="incoming" if history_of_doc else "upload",
        object_id=doc.id if history_of_doc else 1,
    )
    closing.close(spec, dossier, CloseRequest())
    return dossier, doc


def test_the_package_lists_every_file_with_its_checksum(archive_office, frozen_clock, tmp_path):
    dossier, _doc = _dossier(archive_office)
    out = tmp_path / "sip.zip"
    build_sip(dossier, out)
    assert verify_sip(out) == []
    code = dossier.file_code
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {
            "METS.xml",
            "manifest-sha256.txt",
            "metadata/descriptive/EAD.xml",
            "metadata/descriptive/EAD_doc_0000001.xml",
            f"representations/rep1/data/{code}.0000001.pdf",  # the incoming document (10/02)
            f"representations/rep1/data/{code}.0000002.pdf",  # the report (01/04)
            f"representations/rep1/data/{code}.0000003.json",  # the filed processing history (02/04)
        } <= names
        mets = etree.fromstring(zf.read("METS.xml"))
        assert mets.get("TYPE") == "SIP_hoso" and mets.get("OBJID") == code
        files = mets.findall(f".//{{{METS_NS}}}file")
        assert files and all(f.get("CHECKSUMTYPE") == "SHA-256" for f in files)
        for entry in files:
            href = entry.find(f"{{{METS_NS}}}FLocat").get(f"{{{XLINK_NS}}}href")
            assert hashlib.sha256(zf.read(href)).hexdigest() == entry.get("CHECKSUM")
        assert mets.find(f".//{{{METS_NS}}}metsHdr").get("CREATEDATE").endswith("+07:00")

        ead = etree.fromstring(zf.read("metadata/descriptive/EAD.xml"))
        assert ead.tag == "simpledc"
        assert ead.findtext("fileCode") == code
        assert ead.findtext("title") == "Hồ sơ thi đua khen thưởng"
        assert (ead.findtext("maintenance"), ead.findtext("mode"), ead.findtext("language")) == ("06", "01", "01")
        assert (ead.findtext("startDate"), ead.findtext("endDate")) == ("05/01/2026", "02/04/2026")
        assert (ead.findtext("totalDoc"), ead.findtext("confidenceLevel"), ead.findtext("keyword")) == (
            "3",
            "01",
            "thi đua",
        )
        first = etree.fromstring(zf.read("metadata/descriptive/EAD_doc_0000001.xml"))
        assert first.findtext("docCode") == f"{code}.0000001"
        assert (first.findtext("codeNumber"), first.findtext("codeNotation")) == ("45", "SNV-TCBC")
        assert first.findtext("typeName") == "22"  # Công văn
        assert first.findtext("issuedDate") == "10/02/2026"
        assert first.findtext("process") == "1"  # its processing history was filed (item 3)
        assert [f.text for f in first.findall("file")] == [
            f"representations/rep1/data/{code}.0000001.pdf",
            f"representations/rep1/data/{code}.0000003.json",
        ]
        second = etree.fromstring(zf.read("metadata/descriptive/EAD_doc_0000002.xml"))
        assert second.findtext("process") == "0"  # an uploaded file: no processing
        manifest = zf.read("manifest-sha256.txt").decode()
        assert f"  representations/rep1/data/{code}.0000002.pdf" in manifest


def test_a_document_without_a_filed_history_gets_its_workflow_tasks(
    archive_office, frozen_clock, tmp_path, deploy_process
):
    from app.workflow import services as wf

    dossier, doc = _dossier(archive_office, history_of_doc=False)
    deploy_process("doc_review")
    wf.start_process(None, "doc_review", agency_id=doc.agency_id, object_type="incoming", object_id=str(doc.id))
    assert db.session.scalar(db.select(db.func.count(HumanTask.id)).where(HumanTask.object_id == str(doc.id)))
    out = tmp_path / "sip.zip"
    build_sip(dossier, out)
    with zipfile.ZipFile(out) as zf:
        first = etree.fromstring(zf.read("metadata/descriptive/EAD_doc_0000001.xml"))
        assert first.findtext("process") == "1"
        name = f"representations/rep1/data/{dossier.file_code}.0000001.process.json"
        assert name in first.findall("file")[-1].text
        history = json.loads(zf.read(name))
        assert history[0]["step"] and history[0]["created"].endswith("+07:00")
    assert verify_sip(out) == []


def test_tampering_is_found(archive_office, frozen_clock, tmp_path):
    dossier, _doc = _dossier(archive_office)
    out = tmp_path / "sip.zip"
    build_sip(dossier, out)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith("0000002.pdf"):
                data += b"%% altered\n"
            target.writestr(info.filename, data)
        target.writestr("extra.txt", b"x")
    problems = verify_sip(tampered)
    assert any("0000002.pdf" in p and "METS" in p for p in problems)
    assert any("0000002.pdf" in p and "manifest" in p for p in problems)
    assert any(p.startswith("extra.txt") for p in problems)


def test_the_package_downloads_through_the_api(archive_office, frozen_clock, client, api_token):
    dossier, _doc = _dossier(archive_office)
    db.session.commit()
    with client.get(f"/api/v1/dossiers/{dossier.id}/sip.zip", headers=api_token(archive_office.spec_a1)) as response:
        assert response.status_code == 200 and response.mimetype == "application/zip"
        with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
            assert "METS.xml" in zf.namelist()

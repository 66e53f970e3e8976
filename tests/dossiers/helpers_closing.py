"""Helpers of the closing, export and SIP tests: real PDFs (reportlab) stored through the blob store and filed with
`filing.file_content`, and incoming/outgoing documents with their files, filed by the system."""

import io
from datetime import date

from flask import current_app
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from app.core.db import db
from app.dossiers import filing


def pdf_bytes(label: str, pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)  # same label, same bytes
    for number in range(1, pages + 1):
        page.drawString(72, 760, f"{label} trang {number}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def store(data: bytes) -> str:
    return current_app.extensions["qlvb.blobs"].put(data)


def add_pdf(actor, dossier, label: str, *, pages: int = 1, dated_on: date | None = None, notation=None, data=None):
    data = data if data is not None else pdf_bytes(label, pages)
    return filing.file_content(
        actor,
        dossier,
        sha256=store(data),
        filename=f"{label}.pdf",
        content_type="application/pdf",
        size=len(data),
        subject=f"Tài liệu {label}",
        dated_on=dated_on,
        code_notation=notation,
        pages=pages,
    )


def incoming_document(agency, label: str, *, issued: date, pages: int = 1, number="12", notation="SNV-TCBC"):
    """A registered electronic văn bản đến with its main PDF."""
    from app.incoming.models import IncomingDocument, IncomingFile

    data = pdf_bytes(label, pages)
    doc = IncomingDocument(
        agency_id=agency.id,
        channel="electronic",
        status="completed",
        sender_name="Sở Nội vụ",
        code_number=number,
        code_notation=notation,
        issued_date=issued,
        type_name="Công văn",
        subject=f"về việc {label}",
        page_count=pages,
    )
    doc.files.append(
        IncomingFile(
            sha256=store(data), filename=f"{label}.pdf", content_type="application/pdf", size=len(data), is_main=True
        )
    )
    db.session.add(doc)
    db.session.flush()
    return doc


def outgoing_document(office, label: str, *, issued: date, number: int = 5):
    """An issued văn bản đi with a draft (lần 1) and its issued original (lần 2), each a distinct PDF."""
    from app.core import clock
    from app.outgoing.models import OutgoingDocument, OutgoingVersion

    doc = OutgoingDocument(
        agency_id=office.agency.id,
        status="issued",
        type_code="QD",
        type_name="Quyết định",
        subject=f"về việc {label}",
        drafter_id=office.spec_a1.id,
        number=number,
        number_year=issued.year,
        notation="QĐ-UBND",
        symbol=f"{number:02d}/QĐ-UBND",
        issued_date=issued,
        issued_at=clock.now(),
        organ_name=office.agency.name,
        page_count=1,
    )
    for n, (stage, text) in enumerate((("draft", f"{label} du thao"), ("issued", f"{label} ban goc")), start=1):
        data = pdf_bytes(text)
        doc.versions.append(
            OutgoingVersion(number=n, stage=stage, sha256=store(data), filename=f"{label}-{n}.pdf", size=len(data))
        )
    db.session.add(doc)
    db.session.flush()
    return doc

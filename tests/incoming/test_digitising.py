"""Digitised paper (NĐ 30/2020 Điều 22.3.b → Phụ lục I: PDF ≥ 1.4, ảnh màu, ≥ 200 dpi, 100 %): image scans become
one PDF, the main file of the paper document; a scan under 200 dpi is refused with its measured resolution."""

import io
import json
import zipfile
from pathlib import Path

import pypdf
import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import ValidationError
from app.documents.scans import effective_dpi
from app.documents.uploads import Upload
from app.incoming import services
from app.incoming.models import IncomingDocument
from tests.conftest import csrf_token, login
from tests.documents.images import A4_150, A4_200, scan
from tests.incoming.conftest import METADATA

A4_PT = (595.3, 841.9)


def receive_paper(office, *files: tuple[str, bytes]):
    uploads = [Upload(name, data, is_main=(i == 0)) for i, (name, data) in enumerate(files)]
    return services.receive_incoming(office.clerk, channel="paper", metadata=METADATA, uploads=uploads)


def stored(app) -> set[Path]:
    return set(Path(app.config["BLOB_PATH"]).glob("??/??/*"))


def pdf_of(app, item) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(app.extensions["qlvb.blobs"].read(item.sha256)))


def test_image_scans_become_one_pdf_that_is_the_main_file(app, incoming_office):
    # NĐ 30/2020 Điều 22.3.b → Phụ lục I: JPG, PNG (no DPI written: measured against A4), a 3-page TIFF → one PDF.
    document = receive_paper(
        incoming_office,
        ("trang-1.jpg", scan()),
        ("trang-2.png", scan(fmt="PNG", dpi=None)),
        ("trang-3-5.tif", scan(fmt="TIFF", pages=3, colour="#36c")),
    )
    [main] = document.files
    assert (main.is_main, main.content_type, main.filename) == (True, "application/pdf", "van-ban-so-hoa.pdf")
    assert main.signature_valid is None  # a scan carries no digital signature to verify
    data = app.extensions["qlvb.blobs"].read(main.sha256)
    assert data.startswith(b"%PDF-1.") and float(data[5:8]) >= 1.4  # Phụ lục I: PDF 1.4 or later
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 5
    for page in reader.pages:  # 100 %: an A4 scan at 200 dpi is an A4 page
        assert float(page.mediabox.width) == pytest.approx(A4_PT[0], abs=1.5)
        assert float(page.mediabox.height) == pytest.approx(A4_PT[1], abs=1.5)
    assert main.size == len(data)


def test_a_phone_s_placeholder_dpi_is_measured_against_a4(incoming_office):
    # NĐ 30/2020 Điều 22.3.b → Phụ lục I: 72 dpi written on a 1654×2339 image would be a 58 cm page — a placeholder;
    # the pixels over an A4 page give 200 dpi, accepted.
    assert effective_dpi(*A4_200, (72, 72)) == ((pytest.approx(200.04, abs=0.01),) * 2, "a4")
    assert effective_dpi(*A4_200, (300, 300)) == ((300.0, 300.0), "metadata")
    # An A4 page scanned at 200 dpi whose file claims 600 would be a 70 × 99 mm card: the claim is not believed.
    assert effective_dpi(*A4_200, (600, 600)) == ((pytest.approx(200.04, abs=0.01),) * 2, "a4")
    assert effective_dpi(*A4_200, None)[1] == "a4"
    assert receive_paper(incoming_office, ("dien-thoai.jpg", scan(dpi=(72, 72)))).files[0].is_main


@pytest.mark.parametrize(
    ("image", "measured"),
    [
        (scan(A4_150, dpi=(150, 150)), "150 dpi (theo thông tin độ phân giải ghi trong tệp)"),
        (scan(A4_150, dpi=None), "150 dpi (tính theo khổ A4 từ kích thước 1240×1754 điểm ảnh)"),
        (scan(A4_200, dpi=(200, 150), fmt="PNG"), "150 dpi (theo thông tin độ phân giải ghi trong tệp)"),
    ],
)
def test_a_scan_under_200_dpi_is_refused_with_its_measured_resolution(app, incoming_office, image, measured):
    # NĐ 30/2020 Điều 22.3.b → Phụ lục I: độ phân giải tối thiểu 200 dpi — refused, nothing stored.
    before = stored(app)
    with pytest.raises(ValidationError) as err:
        receive_paper(incoming_office, ("trang-1.jpg", scan()), ("trang-2.jpg", image))
    assert err.value.code == "scan_resolution_too_low"
    assert "“trang-2.jpg”" in err.value.message and measured in err.value.message and "200 dpi" in err.value.message
    assert err.value.details["files"] == err.value.message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument)) == 0
    assert stored(app) == before


def test_a_black_and_white_or_unreadable_scan_is_refused(incoming_office):
    # NĐ 30/2020 Điều 22.3.b → Phụ lục I: ảnh màu.
    with pytest.raises(ValidationError) as err:
        receive_paper(incoming_office, ("den-trang.tif", scan(fmt="TIFF", mode="1")))
    assert err.value.code == "scan_not_colour"
    with pytest.raises(ValidationError) as err:
        receive_paper(incoming_office, ("hong.jpg", b"\xff\xd8\xff\xe0" + b"0" * 200))
    assert err.value.code == "invalid_scan" and "hong.jpg" in err.value.message


def test_a_pdf_scan_is_kept_and_image_appendices_become_one_pdf(app, incoming_office):
    # NĐ 30/2020 Điều 22.3.b: a scan already in PDF is the main file as it is; images after it are one PDF appendix.
    from tests.signing.factories import make_pdf

    pdf = make_pdf("Công văn số 123/SNV-TCBC", pages=2)
    document = receive_paper(
        incoming_office, ("ban-quet.pdf", pdf), ("pl-1.jpg", scan()), ("pl-2.png", scan(fmt="PNG"))
    )
    main, appendix = document.files
    assert (main.filename, main.is_main) == ("ban-quet.pdf", True)
    assert app.extensions["qlvb.blobs"].read(main.sha256) == pdf
    assert (appendix.filename, appendix.is_main, appendix.content_type) == (
        "phu-luc-so-hoa.pdf",
        False,
        "application/pdf",
    )
    assert len(pdf_of(app, appendix).pages) == 2


def ooxml_docx() -> bytes:
    """A Word package as far as its structure goes ([Content_Types].xml and word/document.xml)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def test_the_main_file_of_a_paper_document_is_a_pdf(incoming_office):
    # NĐ 30/2020 Điều 22.3.b: the main file of a digitised document is a PDF (or scans made into one).
    docx = ooxml_docx()
    with pytest.raises(ValidationError) as err:
        receive_paper(incoming_office, ("van-ban.docx", docx), ("trang-1.jpg", scan()))
    assert err.value.code == "invalid_files" and "phải là tệp PDF hoặc ảnh quét" in err.value.details["files"]


def test_the_api_and_the_page_digitise_and_tell_the_measured_resolution(client, app, incoming_office, api_token):
    # NĐ 30/2020 Điều 22.3.b → Phụ lục I through the REST API and the receive page.
    headers = api_token(incoming_office.clerk)
    metadata = json.dumps({**METADATA, "channel": "paper"}, ensure_ascii=False)
    ok = client.post(
        "/api/v1/incoming",
        headers=headers,
        content_type="multipart/form-data",
        data={"metadata": metadata, "files": [(io.BytesIO(scan()), "a.jpg"), (io.BytesIO(scan(fmt="PNG")), "b.png")]},
    )
    assert ok.status_code == 201, ok.json
    assert [(f["filename"], f["content_type"], f["is_main"]) for f in ok.json["files"]] == [
        ("van-ban-so-hoa.pdf", "application/pdf", True)
    ]
    low = client.post(
        "/api/v1/incoming",
        headers=headers,
        content_type="multipart/form-data",
        data={"metadata": metadata, "files": [(io.BytesIO(scan(A4_150, dpi=(150, 150))), "thap.jpg")]},
    )
    assert low.status_code == 422 and low.json["code"] == "scan_resolution_too_low"
    assert "150 dpi" in low.json["message"] and "150 dpi" in low.json["details"]["files"]

    login(client, "vanthu")
    token = csrf_token(client, "/incoming/new")
    page = client.post(
        "/incoming/new",
        data={
            "csrf_token": token,
            "channel": "paper",
            **METADATA,
            "files": (io.BytesIO(scan(A4_150, dpi=None)), "thap.png"),
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "có độ phân giải 150 dpi" in html and "1240×1754" in html and 'id="err-files"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument)) == 1  # only the API's

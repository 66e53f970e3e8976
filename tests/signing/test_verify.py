"""verify_pdf: what a receiving agency accepts (seed 002 Điều 10.2) and the reason it gives when it refuses."""

import json
import struct
import zlib
from datetime import datetime, timedelta

import pytest

from app.signing import verify as v
from app.signing.errors import NotAPdf
from app.signing.verify import is_pdf, verify_pdf, verify_pdf_report_dict
from tests.signing import factories

REQUIRED_KEYS = [
    "field",
    "signer",
    "signing_time",
    "intact",
    "trusted",
    "coverage",
    "modification",
    "valid",
    "certificate_sha256",
]


def png_bytes() -> bytes:
    """A real 1×1 PNG, as a scanner or phone would send by mistake."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
    )


JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def test_leaders_signature_alone_is_valid(pki, personal_pdf):
    report = verify_pdf(personal_pdf, pki.trust_roots)

    assert report.valid and report.problems == ()
    (check,) = report.signatures
    assert check.field == "ChuKyCaNhan"
    assert check.signer == "Nguyễn Văn An (UBND TỈNH HÀ GIANG)"
    assert (check.intact, check.trusted, check.valid) == (True, True, True)
    assert (check.coverage, check.modification) == ("ENTIRE_FILE", "NONE")
    signed_at = datetime.fromisoformat(check.signing_time)
    assert check.signing_time.endswith("+07:00") and signed_at.utcoffset() == timedelta(hours=7)
    assert abs(datetime.now(signed_at.tzinfo) - signed_at) < timedelta(hours=1)


def test_seal_added_later_keeps_the_leaders_signature_valid(pki, sealed_pdf):
    report = verify_pdf(sealed_pdf, pki.trust_roots)

    assert report.valid
    personal, seal = report.signatures
    assert (personal.field, personal.coverage, personal.modification, personal.valid) == (
        "ChuKyCaNhan",
        "ENTIRE_REVISION",
        "FORM_FILLING",
        True,
    )
    # The seal certificate has digitalSignature only: trusted proves pyHanko's nonRepudiation-only default is off.
    assert (seal.field, seal.signer, seal.trusted, seal.coverage, seal.valid) == (
        "ChuKyToChuc",
        "UBND TỈNH HÀ GIANG",
        True,
        "ENTIRE_FILE",
        True,
    )


def test_changed_signed_bytes_are_reported_as_not_intact(pki, sealed_pdf):
    assert sealed_pdf.count(b"54/UBND-VP") == 1  # in the page content of the first revision, covered by both
    tampered = sealed_pdf.replace(b"54/UBND-VP", b"55/UBND-VP")

    report = verify_pdf(tampered, pki.trust_roots)

    assert not report.valid
    assert [s.intact for s in report.signatures] == [False, False]
    assert all(s.problems == (v.CONTENT_CHANGED,) for s in report.signatures)
    assert report.problems[0] == "ChuKyCaNhan: Nội dung đã bị sửa sau khi ký"


def test_signature_from_an_unconfigured_root_is_not_trusted(pki, unsigned_pdf):
    look_alike = factories.sign(unsigned_pdf, pki.rogue_seal, pki, factories.SEAL_FIELD)

    report = verify_pdf(look_alike, pki.trust_roots)

    (check,) = report.signatures
    assert not report.valid and check.intact and not check.trusted
    assert check.signer == "UBND TỈNH HÀ GIANG"
    assert check.problems[0].startswith("Chứng thư số không được tin cậy")


def test_only_the_given_roots_are_trusted(pki, sealed_pdf):
    report = verify_pdf(sealed_pdf, [pki.rogue_root.pem])

    assert not report.valid
    assert [s.trusted for s in report.signatures] == [False, False]


def test_no_configured_root_trusts_nothing_and_says_so(pki, sealed_pdf):
    report = verify_pdf(sealed_pdf, [])

    assert not report.valid
    assert all("chưa cấu hình chứng thư gốc" in s.reason for s in report.signatures)


def test_certificate_without_a_signing_key_usage_is_not_trusted(pki, unsigned_pdf):
    signed = factories.sign(unsigned_pdf, pki.encryption_only, pki, factories.PERSONAL_FIELD)

    (check,) = verify_pdf(signed, pki.trust_roots).signatures

    assert check.intact and not check.trusted and not check.valid
    assert "không được phép dùng để ký" in check.reason


def contents_offset(data: bytes) -> int:
    """Where the hex digits of the (only) signature's CMS blob start."""
    return data.index(b"/Contents <") + len(b"/Contents <")


def test_corrupted_signature_value_is_reported(pki, personal_pdf):
    start = contents_offset(personal_pdf)
    der_length = 4 + int(personal_pdf[start + 4 : start + 8], 16)  # 30 82 LL LL: a SEQUENCE with a 2-byte length
    at = start + 2 * der_length - 20  # inside the RSA signature value, the last field of the CMS blob
    flipped = personal_pdf[:at] + (b"0" if personal_pdf[at : at + 1] != b"0" else b"1") + personal_pdf[at + 1 :]

    (check,) = verify_pdf(flipped, pki.trust_roots).signatures

    assert not check.valid and not check.intact and not check.trusted
    assert check.problems == (v.BAD_SIGNATURE_VALUE,)


def test_unparsable_signature_is_refused_with_a_reason(pki, personal_pdf):
    start = contents_offset(personal_pdf)
    broken = personal_pdf[:start] + b"ff" * 8 + personal_pdf[start + 16 :]

    report = verify_pdf(broken, pki.trust_roots)

    assert not report.valid and report.problems == ("Không đọc được các chữ ký số trong văn bản",)


def test_unsigned_pdf_is_refused_with_a_reason(pki, unsigned_pdf):
    report = verify_pdf(unsigned_pdf, pki.trust_roots)

    assert not report.valid and report.signatures == ()
    assert report.problems == ("Văn bản chưa được ký số",)
    assert report.reason == "Văn bản chưa được ký số"


@pytest.mark.parametrize("tail", [b"\n% appended after signing\n", b"\n"])
def test_bytes_appended_after_the_last_signature_are_refused(pki, sealed_pdf, tail):
    # pyHanko itself still calls both signatures fine here (spec/signing.md §3, T3).
    report = verify_pdf(sealed_pdf + tail, pki.trust_roots)

    personal, seal = report.signatures
    assert not report.valid and personal.valid and not seal.valid
    assert seal.problems == ("Có dữ liệu thêm vào sau chữ ký cuối cùng",)


def test_page_added_after_signing_is_refused(pki, personal_pdf):
    report = verify_pdf(factories.append_page(personal_pdf), pki.trust_roots)

    (check,) = report.signatures
    assert not report.valid and check.intact and check.trusted
    assert (check.coverage, check.modification) == ("ENTIRE_REVISION", "OTHER")
    assert check.problems[0].startswith("Văn bản đã bị thay đổi sau khi ký")


def test_content_replaced_after_both_signatures_invalidates_both(pki, sealed_pdf):
    changed = factories.replace_page_content(sealed_pdf, ["So: 99/UBND-VP"])

    report = verify_pdf(changed, pki.trust_roots)

    assert not report.valid
    assert [(s.modification, s.valid) for s in report.signatures] == [("OTHER", False), ("OTHER", False)]


def test_form_change_after_the_last_signature_is_refused(pki, sealed_pdf):
    """Form filling is allowed between signatures, but after the last one nobody vouches for it (case E)."""
    report = verify_pdf(factories.add_empty_signature_field(sealed_pdf), pki.trust_roots)

    personal, seal = report.signatures
    assert personal.valid and (seal.modification, seal.valid) == ("FORM_FILLING", False)
    assert seal.problems[0].startswith("Chữ ký cuối cùng không bao trùm toàn bộ tệp")


def test_validation_data_added_after_the_last_signature_is_accepted(pki, sealed_pdf):
    """PAdES B-LT: a DSS revision after the last signature changes nothing a reader sees."""
    report = verify_pdf(factories.add_validation_data(sealed_pdf, pki), pki.trust_roots)

    assert report.valid
    assert (report.signatures[-1].coverage, report.signatures[-1].modification) == ("ENTIRE_REVISION", "LTA_UPDATES")


def test_bytes_appended_after_validation_data_are_refused(pki, sealed_pdf):
    """The last revision is a harmless DSS update, so only the check for bytes after %%EOF can catch this."""
    with_dss = factories.add_validation_data(sealed_pdf, pki)

    report = verify_pdf(with_dss + b"% appended\n", pki.trust_roots)

    assert not report.valid
    assert report.signatures[-1].modification == "LTA_UPDATES"
    assert report.signatures[-1].problems == ("Có dữ liệu thêm vào sau chữ ký cuối cùng",)


def test_document_timestamp_after_the_signatures_is_accepted(pki, sealed_pdf):
    report = verify_pdf(factories.add_document_timestamp(sealed_pdf, pki), pki.trust_roots)

    assert report.valid
    *_, seal, timestamp = report.signatures
    assert seal.modification == "LTA_UPDATES"
    assert timestamp.signer.startswith("Dấu thời gian: Test TSA") and timestamp.coverage == "ENTIRE_FILE"


def test_a_document_timestamp_is_not_a_signature(pki, unsigned_pdf):
    report = verify_pdf(factories.add_document_timestamp(unsigned_pdf, pki), pki.trust_roots)

    assert not report.valid and report.problems == ("Văn bản chưa được ký số",)


def test_signing_time_comes_from_a_trusted_timestamp_token(pki, unsigned_pdf):
    signed = factories.sign(
        unsigned_pdf, pki.person, pki, factories.PERSONAL_FIELD, timestamper=factories.timestamper_for(pki)
    )

    (check,) = verify_pdf(signed, pki.trust_roots).signatures

    assert check.valid and check.signing_time.endswith("+07:00")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Kinh gui: cac so, ban, nganh", id="text"),
        pytest.param(png_bytes(), id="png"),
        pytest.param(JPEG_BYTES, id="jpeg"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog", id="truncated-pdf"),
        pytest.param(b"", id="empty"),
    ],
)
def test_bytes_that_are_not_a_readable_pdf_raise_not_a_pdf(pki, data):
    with pytest.raises(NotAPdf) as caught:
        verify_pdf(data, pki.trust_roots)

    assert caught.value.code == "not_a_pdf"
    assert caught.value.message == "Tệp không phải là văn bản PDF đọc được."
    assert not is_pdf(data)


def test_is_pdf_accepts_signed_and_unsigned_pdfs(unsigned_pdf, sealed_pdf):
    assert is_pdf(unsigned_pdf) and is_pdf(sealed_pdf)


def test_report_dict_is_json_with_the_required_keys(pki, sealed_pdf):
    tampered = sealed_pdf.replace(b"54/UBND-VP", b"55/UBND-VP")

    data = verify_pdf_report_dict(verify_pdf(tampered, pki.trust_roots))

    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert list(data) == ["valid", "signatures", "problems"]
    assert all(list(entry) == [*REQUIRED_KEYS, "problems"] for entry in data["signatures"])
    assert data["valid"] is False
    assert data["signatures"][0]["problems"] == ["Nội dung đã bị sửa sau khi ký"]
    assert data["problems"] == [
        "ChuKyCaNhan: Nội dung đã bị sửa sau khi ký",
        "ChuKyToChuc: Nội dung đã bị sửa sau khi ký",
    ]

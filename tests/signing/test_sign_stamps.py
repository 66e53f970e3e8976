"""The agency's signature without image: attachments (Phụ lục I II.8.b) and electronic copies (Phần II.I.3)."""

from datetime import UTC, datetime

import pytest

from app.core import clock
from app.core.errors import ValidationError
from app.signing import placement, sample, sign
from app.signing.errors import AlreadySigned
from app.signing.verify import verify_pdf

A4_WIDTH, A4_HEIGHT = 595.28, 841.89
AGENCY = "Văn phòng HĐND và UBND thành phố Rạch Giá"


@pytest.fixture(scope="module")
def seal(pki):
    return sign.cached_key_signer(pki.seal.cert, pki.seal.key, [pki.intermediate.cert, pki.root.cert])


@pytest.fixture(scope="module")
def attachment():
    return sample.example_draft(pages=1, type_name="Phụ lục")


@pytest.fixture(scope="module")
def instant():
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def signed_attachment(attachment, seal, instant):
    with clock.frozen(instant):
        return sign.sign_attachment(attachment, seal, symbol="54/UBND-VP")


def _stamp_lines(pdf: bytes) -> list[placement.TextRun]:
    """Lines in the top 60 pt of page 1 that the unsigned page does not have."""
    return [run for run in placement.text_runs(pdf, 0, with_fields=True) if run.baseline > A4_HEIGHT - 60]


def test_attachment_shows_symbol_and_iso_time_top_right_in_10_pt(signed_attachment, instant):
    symbol, time_line = _stamp_lines(signed_attachment)

    assert symbol.text == "54/UBND-VP"
    assert time_line.text == clock.to_local(instant).isoformat()  # e.g. 2026-11-22T09:30:00+07:00
    assert time_line.text.endswith("+07:00")
    for run in (symbol, time_line):
        assert run.size == pytest.approx(10)
        assert run.x0 > A4_WIDTH / 2 and run.x1 <= A4_WIDTH - 40  # right half, inside the 15 mm right margin
    assert symbol.baseline > time_line.baseline


def test_attachment_signature_verifies_and_claims_the_printed_time(signed_attachment, pki, instant):
    report = verify_pdf(signed_attachment, trust_roots=pki.trust_roots)

    assert report.valid, report.problems
    (signature,) = report.signatures
    assert signature.field == sign.ATTACHMENT_FIELD
    assert signature.coverage == "ENTIRE_FILE"
    assert signature.signing_time == clock.to_local(instant).isoformat()  # the same instant as the stamp text


def test_attachment_signed_twice_is_refused(signed_attachment, seal):
    with pytest.raises(AlreadySigned):
        sign.sign_attachment(signed_attachment, seal, symbol="54/UBND-VP")


def test_attachment_needs_a_symbol(attachment, seal):
    with pytest.raises(ValidationError):
        sign.sign_attachment(attachment, seal, symbol="  ")


def test_copy_shows_form_agency_and_time(attachment, seal, pki, instant):
    with clock.frozen(instant):
        copy = sign.sign_copy(attachment, seal, copy_form="Sao lục", agency_name=AGENCY)

    form, agency, time_line = _stamp_lines(copy)
    assert (form.text, agency.text) == ("SAO LỤC", AGENCY)
    assert time_line.text == clock.to_local(instant).isoformat()
    assert {run.size for run in (form, agency, time_line)} == {10}
    report = verify_pdf(copy, trust_roots=pki.trust_roots)
    assert report.valid, report.problems
    assert report.signatures[0].field == sign.COPY_FIELD


def test_copy_stamp_stays_above_the_page_text(attachment, seal):
    copy = sign.sign_copy(attachment, seal, copy_form="TRÍCH SAO", agency_name=AGENCY)
    box = sign.signature_fields(copy)[sign.COPY_FIELD].rect
    page_top_text = max(run.top for run in placement.text_runs(attachment, 0))

    assert box[1] > page_top_text  # in the top margin: nothing of the copied page is covered
    assert box[2] <= A4_WIDTH - 42


def test_copy_form_must_be_one_of_the_three(attachment, seal):
    with pytest.raises(ValidationError) as refused:
        sign.sign_copy(attachment, seal, copy_form="BẢN CHỤP", agency_name=AGENCY)
    assert "SAO Y" in refused.value.message


def test_long_agency_name_wraps_onto_two_lines(attachment, seal):
    name = "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thành phố Rạch Giá, tỉnh Kiên Giang, Việt Nam"
    copy = sign.sign_copy(attachment, seal, copy_form="SAO Y", agency_name=name)

    lines = [run.text for run in _stamp_lines(copy)]
    assert len(lines) == 4
    assert " ".join(lines[1:3]) == name


def test_cached_key_signer_takes_pem_and_pkcs8_bytes(attachment, pki):
    from cryptography.hazmat.primitives import serialization

    key_pem = pki.person.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = sign.cached_key_signer(pki.person.pem, key_pem, [pki.intermediate.pem, pki.root.pem])  # RSA-2048

    report = verify_pdf(sign.sign_attachment(attachment, signer, symbol="12/QĐ-UBND"), trust_roots=pki.trust_roots)
    assert report.valid, report.problems
    assert report.signatures[0].signer.startswith("Nguyễn Văn An")

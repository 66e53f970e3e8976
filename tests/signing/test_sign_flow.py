"""The outgoing document's signatures end to end: prepare → leader signs → clerk issues (NĐ 30/2020 Điều 15.2).

Real PDFs (app.signing.sample), real signatures (the throwaway PKI), verified with app.signing.verify and read back
with PDFium: text extraction and page renders checked pixel by pixel.
"""

import io
from datetime import UTC, datetime

import pytest
from PIL import Image, ImageChops
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from app.core import clock
from app.signing import placement, sample, sign
from app.signing.appearance import image_size_pt
from app.signing.errors import (
    AlreadyIssued,
    AlreadySigned,
    InvalidImage,
    NoPersonalSignature,
    NotAPdf,
    NumberFieldMissing,
    SignatureBlockNotFound,
)
from app.signing.safety import read_pdf
from app.signing.verify import verify_pdf

NUMBER = "54/UBND-VP"
DATE = "Rạch Giá, ngày 05 tháng 01 năm 2027"
SIGNER = "Nguyễn Văn An"
DPI = 100


@pytest.fixture(scope="module")
def person(pki):
    return sign.cached_key_signer(pki.person.cert, pki.person.key, [pki.intermediate.cert, pki.root.cert])


@pytest.fixture(scope="module")
def seal(pki):
    return sign.cached_key_signer(pki.seal.cert, pki.seal.key, [pki.intermediate.cert, pki.root.cert])


@pytest.fixture(scope="module")
def images():
    signature = sample.signature_png()
    seal_image = sample.seal_png()
    return signature, image_size_pt(signature), seal_image, image_size_pt(seal_image)


@pytest.fixture(scope="module")
def draft():
    return sample.example_draft(pages=2)


@pytest.fixture(scope="module")
def prepared(draft):
    return sign.prepare_draft(draft)


@pytest.fixture(scope="module")
def personal(prepared, person, images):
    signature, signature_size, _, _ = images
    return sign.sign_personal(prepared, person, image_png=signature, signer_name=SIGNER, image_size_pt=signature_size)


@pytest.fixture(scope="module")
def issued(personal, seal, images):
    _, _, seal_image, seal_size = images
    return sign.issue(personal, seal, seal_png=seal_image, seal_size_pt=seal_size, number_text=NUMBER, date_text=DATE)


def _issue(pdf, seal, images):
    _, _, seal_image, seal_size = images
    return sign.issue(pdf, seal, seal_png=seal_image, seal_size_pt=seal_size, number_text=NUMBER, date_text=DATE)


def test_issued_document_verifies_with_personal_signature_extended_only_by_form_filling(issued, pki):
    report = verify_pdf(issued, trust_roots=pki.trust_roots)

    assert report.valid, report.problems
    personal, seal = report.signatures
    assert (personal.field, personal.coverage, personal.modification) == (
        sign.PERSONAL_FIELD,
        "ENTIRE_REVISION",
        "FORM_FILLING",
    )
    assert (seal.field, seal.coverage, seal.modification) == (sign.SEAL_FIELD, "ENTIRE_FILE", "NONE")
    assert personal.signer.startswith(SIGNER)


def test_issue_fills_number_and_date_in_the_page_text(issued):
    text = placement.page_text(issued, 0)

    assert f"Số: {NUMBER}" in text
    assert DATE in text
    assert sign.number_fields_state(issued) == {sign.NUMBER_FIELD: NUMBER, sign.DATE_FIELD: DATE}


def test_number_and_date_stand_on_the_printed_baseline(issued, prepared):
    """The number continues "Số:" on its baseline; the date covers the placeholder line on its baseline."""
    before = {run.text.split(",")[0]: run for run in placement.text_runs(prepared, 0)}
    after = placement.text_runs(issued, 0, with_fields=True)
    number_line = next(run for run in after if run.text.startswith("Số:"))
    date_line = next(run for run in after if DATE in run.text)

    assert number_line.text == f"Số: {NUMBER}"  # one run: same baseline, one space after the colon
    assert number_line.baseline == pytest.approx(before["Số:"].baseline, abs=0.5)
    assert date_line.baseline == pytest.approx(before["Rạch Giá"].baseline, abs=0.5)


def _render(pdf: bytes) -> Image.Image:
    return Image.open(io.BytesIO(placement.render_page_png(pdf, -1, DPI))).convert("RGB")


def _mask(image: Image.Image, test) -> Image.Image:
    r, g, b = image.split()
    bands = [
        band.point(lambda v, lo=lo, hi=hi: 255 if lo <= v <= hi else 0).convert("1")
        for band, (lo, hi) in zip((r, g, b), test, strict=True)
    ]
    return ImageChops.logical_and(ImageChops.logical_and(bands[0], bands[1]), bands[2])


BLUE = ((0, 110), (0, 140), (120, 255))
RED = ((150, 255), (0, 110), (0, 110))


def _pt_to_px_y(pdf: bytes, y: float) -> float:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    height = doc[len(doc) - 1].get_height()
    doc.close()
    return (height - y) * DPI / 72


def test_seal_covers_a_third_of_the_signature_and_is_centred_on_it(personal, issued):
    blue = _mask(_render(personal), BLUE).getbbox()
    red = _mask(_render(issued), RED).getbbox()
    assert blue and red

    overlap = (red[2] - blue[0]) / (blue[2] - blue[0])
    assert overlap == pytest.approx(1 / 3, rel=0.1)  # NĐ 30/2020 Phụ lục I II.8.a
    signature_box = sign.signature_fields(issued)[sign.PERSONAL_FIELD].rect  # the ink is not symmetric; its box is
    centre = _pt_to_px_y(issued, (signature_box[1] + signature_box[3]) / 2)
    assert (red[1] + red[3]) / 2 == pytest.approx(centre, abs=2)
    seal_box = sign.signature_fields(issued)[sign.SEAL_FIELD].rect
    assert seal_box[2] - seal_box[0] == pytest.approx(36 / 25.4 * 72, abs=0.1)  # the seal at its real size, 36 mm
    assert red[2] - red[0] == pytest.approx(36 / 25.4 * DPI, rel=0.05)  # the ring's ink, inset by its pen


def test_signature_image_sits_between_title_and_printed_name(personal):
    runs = placement.text_runs(personal, -1)
    name = next(run for run in runs if run.text == SIGNER)
    title = next(run for run in runs if run.text == "PHÓ CHỦ TỊCH")
    blue = _mask(_render(personal), BLUE).getbbox()

    assert blue[1] > _pt_to_px_y(personal, title.bottom)  # below the title (pixel rows grow downwards)
    assert blue[3] < _pt_to_px_y(personal, name.top)  # above the name
    assert (blue[0] + blue[2]) / 2 * 72 / DPI == pytest.approx(name.centre, abs=3)  # centred on the name


def test_issuing_twice_is_refused(issued, seal, images):
    with pytest.raises(AlreadyIssued):
        _issue(issued, seal, images)


def test_issuing_without_the_personal_signature_is_refused(prepared, seal, images):
    with pytest.raises(NoPersonalSignature) as refused:
        _issue(prepared, seal, images)
    assert refused.value.code == "no_personal_signature"


def test_issuing_a_draft_without_number_fields_is_refused(draft, seal, images):
    with pytest.raises(NumberFieldMissing):
        _issue(draft, seal, images)


def test_preparing_a_signed_document_is_refused(draft, person, images):
    signature, signature_size, _, _ = images
    signed = sign.sign_personal(draft, person, image_png=signature, signer_name=SIGNER, image_size_pt=signature_size)

    with pytest.raises(AlreadySigned) as refused:
        sign.prepare_draft(signed)
    assert refused.value.code == "already_signed"


def test_prepare_is_idempotent(prepared):
    assert sign.prepare_draft(prepared) is prepared
    assert sign.number_fields_state(prepared) == {sign.NUMBER_FIELD: None, sign.DATE_FIELD: None}


def test_signing_twice_in_the_personal_field_is_refused(personal, person, images):
    signature, signature_size, _, _ = images
    with pytest.raises(AlreadySigned):
        sign.sign_personal(personal, person, image_png=signature, signer_name=SIGNER, image_size_pt=signature_size)


def test_fields_created_after_the_personal_signature_would_break_it(draft, person, seal, images, pki):
    """Why prepare_draft exists: the same fill and seal on fields added after signing invalidate the signature."""
    signature, signature_size, _, _ = images
    signed = sign.sign_personal(draft, person, image_png=signature, signer_name=SIGNER, image_size_pt=signature_size)
    number_box, date_box = placement.field_boxes(draft)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    form = writer.root["/AcroForm"]
    for name, box in ((sign.NUMBER_FIELD, number_box), (sign.DATE_FIELD, date_box)):
        form["/Fields"].append(sign._add_text_field(writer, name, box))
    writer.update_container(form)
    late = io.BytesIO()
    writer.write(late)

    report = verify_pdf(_issue(late.getvalue(), seal, images), trust_roots=pki.trust_roots)

    personal = report.signatures[0]
    assert not report.valid
    assert (personal.modification, personal.valid) == ("OTHER", False)


def test_personal_signature_needs_the_printed_name(prepared, person, images):
    signature, signature_size, _, _ = images
    with pytest.raises(SignatureBlockNotFound):
        sign.sign_personal(
            prepared, person, image_png=signature, signer_name="Trần Thị Bình", image_size_pt=signature_size
        )


def test_signature_fields_lists_both_widgets_on_the_last_page(issued, images):
    fields = sign.signature_fields(issued)
    expected_seal = placement.seal_box(fields[sign.PERSONAL_FIELD].rect, images[3])

    assert set(fields) == {sign.PERSONAL_FIELD, sign.SEAL_FIELD}
    assert fields[sign.PERSONAL_FIELD].page == fields[sign.SEAL_FIELD].page == 1  # the last of 2 pages
    assert fields[sign.SEAL_FIELD].rect == pytest.approx(expected_seal, abs=0.01)


def test_signing_time_is_the_application_clock_in_vietnam_time(prepared, person, images):
    signature, signature_size, _, _ = images
    instant = datetime.now(UTC).replace(microsecond=0)
    with clock.frozen(instant):
        signed = sign.sign_personal(
            prepared, person, image_png=signature, signer_name=SIGNER, image_size_pt=signature_size
        )
    report = verify_pdf(signed, trust_roots=None)

    assert report.signatures[0].signing_time == clock.to_local(instant).isoformat()


def test_non_pdf_input_is_refused(person, images):
    signature, signature_size, _, _ = images
    with pytest.raises(NotAPdf):
        sign.prepare_draft(b"GIF89a not a pdf")
    with pytest.raises(NotAPdf):
        sign.sign_personal(
            b"%PDF-1.7 garbage", person, image_png=signature, signer_name=SIGNER, image_size_pt=signature_size
        )


def test_prepare_keeps_a_form_the_draft_already_has(draft, person, seal, images, pki):
    def add_form(writer):
        other = writer.add_object(
            generic.DictionaryObject(
                {
                    pdf_name("/FT"): pdf_name("/Tx"),
                    pdf_name("/T"): generic.pdf_string("ghi_chu"),
                    pdf_name("/V"): generic.pdf_string("Ghi chú của đơn vị soạn thảo"),
                }
            )
        )
        fields = writer.add_object(generic.ArrayObject([other]))  # an indirect /Fields array, as Word writes it
        writer.root[pdf_name("/AcroForm")] = writer.add_object(generic.DictionaryObject({pdf_name("/Fields"): fields}))
        writer.update_root()

    writer = IncrementalPdfFileWriter(io.BytesIO(draft), strict=False)
    add_form(writer)
    with_form = io.BytesIO()
    writer.write(with_form)

    prepared = sign.prepare_draft(with_form.getvalue())
    signature, signature_size, _, _ = images
    personal = sign.sign_personal(
        prepared, person, image_png=signature, signer_name=SIGNER, image_size_pt=signature_size
    )
    issued = _issue(personal, seal, images)

    names = [str(ref.get_object()["/T"]) for ref in read_pdf(issued).root["/AcroForm"]["/Fields"]]
    assert names[:3] == ["ghi_chu", sign.NUMBER_FIELD, sign.DATE_FIELD]
    assert verify_pdf(issued, trust_roots=pki.trust_roots).valid


def test_signature_fields_finds_the_page_of_a_widget_without_p(personal):
    writer = IncrementalPdfFileWriter(io.BytesIO(personal), strict=False)
    field = next(ref for ref in writer.root["/AcroForm"]["/Fields"] if ref.get_object()["/T"] == sign.PERSONAL_FIELD)
    widget = field.get_object()
    del widget["/P"]  # optional in a widget; other signing tools leave it out
    writer.mark_update(field)
    out = io.BytesIO()
    writer.write(out)

    assert sign.signature_fields(out.getvalue())[sign.PERSONAL_FIELD].page == 1


def test_palette_png_keeps_its_transparency_and_garbage_is_refused(prepared, person, images):
    _, signature_size, _, _ = images
    palette = io.BytesIO()
    Image.open(io.BytesIO(sample.signature_png())).quantize(colors=8).save(palette, format="PNG")  # a typical scan
    name = next(run for run in placement.text_runs(prepared, -1) if run.text == SIGNER)
    height = name.top - name.bottom + 10
    width = height * signature_size[0] / signature_size[1]  # the image's own aspect: it is never distorted
    left, right = name.centre - width / 2, name.centre + width / 2
    over_name = sign.Box(1, (left, name.bottom - 5, right, name.top + 5))  # the image right over the printed name
    signed = sign.sign_personal(
        prepared, person, image_png=palette.getvalue(), signer_name=SIGNER, image_size_pt=signature_size, box=over_name
    )

    top, bottom = (round(_pt_to_px_y(signed, y)) for y in (name.top, name.bottom))
    under = _render(signed).crop((round(left * DPI / 72) + 2, top, round(right * DPI / 72) - 2, bottom))
    assert _mask(under, ((0, 60), (0, 60), (0, 60))).getbbox() is not None  # the black name shows through
    with pytest.raises(InvalidImage):
        sign.sign_personal(prepared, person, image_png=b"not a png", signer_name=SIGNER, image_size_pt=signature_size)


def test_without_the_signers_name_the_configured_position_is_used(prepared, person, images):
    signature, signature_size, _, _ = images
    with pytest.raises(SignatureBlockNotFound):
        sign.sign_personal(
            prepared, person, image_png=signature, signer_name="Lê Văn Khác", image_size_pt=signature_size
        )
    fallback = sign.Box(page=-1, rect=(330.0, 120.0, 470.0, 176.0))
    signed = sign.sign_personal(
        prepared,
        person,
        image_png=signature,
        signer_name="Lê Văn Khác",
        image_size_pt=signature_size,
        fallback_box=fallback,
    )
    box = sign.signature_fields(signed)[sign.PERSONAL_FIELD]
    assert box.page == 1 and box.rect == pytest.approx(fallback.rect)  # the last of the draft's two pages


def test_the_issued_number_stands_on_an_opaque_background(issued):
    """Whatever the draft printed after "Số:" is hidden under the number, never drawn over (NĐ 30 Phụ lục I)."""
    reader = read_pdf(issued)
    [number] = [
        annot.get_object()
        for annot in reader.root["/Pages"]["/Kids"][0].get_object().get("/Annots", [])
        if annot.get_object().get("/T") == sign.NUMBER_FIELD
    ]
    appearance = number["/AP"]["/N"].get_object().data
    assert appearance.startswith(b"q 1 g 0 0 ")  # a white rectangle the size of the field, then the text

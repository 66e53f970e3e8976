"""Where the fields and signatures go, found from the draft's own text; and the sample drafts themselves."""

import io
import unicodedata

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from app.signing import placement, sample, sign
from app.signing.errors import NumberFieldMissing
from app.signing.placement import Box

SIGNER = "Nguyễn Văn An"


@pytest.fixture(scope="module")
def draft():
    return sample.example_draft(pages=3)


@pytest.fixture(scope="module")
def first_page(draft):
    return {run.text.split(",")[0]: run for run in placement.text_runs(draft, 0)}


def test_number_box_starts_after_the_colon_on_its_baseline(draft, first_page):
    so = first_page["Số:"]
    box = placement.number_box(draft)

    assert box.page == 0
    llx, lly, urx, ury = box.rect
    assert lly + 5 == pytest.approx(so.baseline, abs=0.01)  # pyHanko writes the text 5 pt above the field bottom
    assert so.x1 < llx < so.x1 + 3
    assert (urx - llx, ury - lly) == pytest.approx((170, 20))


def test_date_box_covers_the_placeholder_line(draft, first_page):
    line = first_page["Rạch Giá"]
    llx, lly, urx, ury = placement.date_box(draft).rect

    assert "ngày" in line.text and "tháng" in line.text and "năm" in line.text
    assert llx < line.x0 and urx > line.x1
    assert lly < line.bottom and ury > line.top  # the opaque background hides the whole placeholder
    assert lly + 5 == pytest.approx(line.baseline, abs=0.01)


def _header_only_pdf(*, with_number: bool = True) -> bytes:
    """A draft with the motto (and "Số:") but no date placeholder line, as some templates have."""
    sample._register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(595.28, 841.89))
    canvas.setFont(sample.BOLD, 13)
    canvas.drawCentredString(400, 760, "Độc lập - Tự do - Hạnh phúc")
    canvas.setFont(sample.REGULAR, 13)
    if with_number:
        canvas.drawString(120, 720, "Số:")
    canvas.drawString(85, 600, "Nội dung văn bản.")
    canvas.save()
    return out.getvalue()


def test_without_placeholder_the_date_goes_under_the_motto():
    pdf = _header_only_pdf()
    motto = next(run for run in placement.text_runs(pdf, 0) if run.text.startswith("Độc lập"))
    llx, _, urx, ury = placement.date_box(pdf).rect

    assert (llx + urx) / 2 == pytest.approx(motto.centre, abs=0.5)
    assert ury < motto.bottom


def test_prepare_refuses_a_draft_without_a_number_line_unless_given_the_box():
    pdf = _header_only_pdf(with_number=False)

    with pytest.raises(NumberFieldMissing) as refused:
        sign.prepare_draft(pdf)
    assert refused.value.details == {"field": sign.NUMBER_FIELD}
    prepared = sign.prepare_draft(pdf, number_box=Box(0, (100, 715, 270, 735)))
    assert sign.number_fields_state(prepared) == {sign.NUMBER_FIELD: None, sign.DATE_FIELD: None}


def test_prepare_uses_boxes_it_is_given(draft):
    number, date = Box(0, (100, 700, 270, 720)), Box(0, (300, 700, 540, 720))
    prepared = sign.prepare_draft(draft, number_box=number, date_box=date)

    assert placement.text_runs(prepared, 0) == placement.text_runs(draft, 0)  # the page itself is untouched
    assert sign.number_fields_state(prepared) == {sign.NUMBER_FIELD: None, sign.DATE_FIELD: None}


def test_signature_box_is_centred_between_title_and_name(draft):
    runs = placement.text_runs(draft, -1)
    name = next(run for run in runs if run.text == SIGNER)
    title = next(run for run in runs if run.text == "PHÓ CHỦ TỊCH")
    box = placement.signature_box(draft, SIGNER, (142, 57))

    llx, lly, urx, ury = box.rect
    assert box.page == 2  # the last of three pages
    assert (urx - llx, ury - lly) == pytest.approx((142, 57), abs=0.02)  # real size: the gap is ~70 pt
    assert (llx + urx) / 2 == pytest.approx(name.centre, abs=0.01)
    assert (lly + ury) / 2 == pytest.approx((name.top + title.bottom) / 2, abs=0.01)
    assert name.top < lly and ury < title.bottom


def test_signature_box_matches_the_name_loosely():
    assert placement.signature_box(sample.example_draft(), "  nguyễn   văn an ", (142, 57)) is not None
    decomposed = unicodedata.normalize("NFD", SIGNER)
    assert placement.signature_box(sample.example_draft(), decomposed, (142, 57)) is not None


def test_tall_signature_image_is_scaled_down_keeping_its_aspect(draft):
    llx, lly, urx, ury = placement.signature_box(draft, SIGNER, (100, 200)).rect

    assert ury - lly < 100  # the gap, not 200
    assert (urx - llx) / (ury - lly) == pytest.approx(0.5, abs=0.01)


def test_signature_box_is_none_without_the_name(draft):
    assert placement.signature_box(draft, "Lê Thị Cúc", (142, 57)) is None


def test_seal_box_covers_the_left_third_and_is_vertically_centred():
    assert placement.seal_box((100, 100, 250, 160), (90, 90)) == (60, 85, 150, 175)


def test_sample_draft_has_the_requested_pages_numbered_from_two(draft):
    assert sample_pages(draft) == 3
    page_one = [run.text for run in placement.text_runs(draft, 0)]
    page_two = [run.text for run in placement.text_runs(draft, 1)]
    assert "2" in page_two[:2] and "1" not in page_one
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in " ".join(page_one)
    assert any(text.startswith("V/v ") for text in page_one)  # a công văn: trích yếu under the number


def test_sample_decision_has_a_centred_type_name():
    decision = sample.example_draft(type_name="Quyết định")
    texts = [run.text for run in placement.text_runs(decision, 0)]

    assert "QUYẾT ĐỊNH" in texts
    assert not any(text.startswith("V/v") for text in texts)


def sample_pages(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def test_render_page_png_has_the_page_size_at_the_dpi(draft):
    image = Image.open(io.BytesIO(placement.render_page_png(draft, 0, dpi=72)))

    assert image.format == "PNG"
    assert image.size == (595, 842) or image.size == (596, 842)


def test_the_number_field_covers_what_the_draft_printed_after_the_colon():
    sample._register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(595.28, 841.89))
    canvas.setFont(sample.REGULAR, 13)
    canvas.drawString(120, 720, "Số:")
    canvas.drawString(200, 720, "/UBND-VP-KHTH-TONGHOP-2026")  # a printed placeholder, beyond the usual 170 pt
    canvas.save()
    pdf = out.getvalue()
    placeholder = next(r for r in placement.text_runs(pdf, 0) if r.text.startswith("/UBND"))
    llx, lly, urx, ury = placement.number_box(pdf).rect
    assert llx < placeholder.x0 and urx > placeholder.x1  # the whole placeholder is under the field
    assert lly < placeholder.bottom and ury > placeholder.top

"""Sign outgoing documents (ký số văn bản đi): prepare the draft, the leader's signature, the clerk's issue step.

NĐ 30/2020 Điều 15.2 and seed 002 Điều 12: the competent person signs first, then the clerk gives the number and
date and applies the agency's signature (the seal). A signature covers the bytes that exist when it is made, so
the number and date cannot be written into the page afterwards; instead `prepare_draft` adds two empty read-only
text fields before the leader signs, and `issue` fills them and seals in one incremental update. pyHanko's diff
analysis then rates the personal signature's later changes FORM_FILLING (valid) and the seal covers the whole
file (spec/signing.md, appendix, variant B). Both signatures are approval signatures: a certification signature
would make pyHanko reject the seal's new field (spec/signing.md §0.3).

Everything takes and returns PDF bytes; `signer` is a pyHanko `signers.Signer`. Signing time comes from
`app.core.clock.now()`, in Vietnam time, and is the same instant in the signature's /M and in any stamp text
(PAdES leaves the CMS signingTime attribute out).
"""

from __future__ import annotations

import functools
import io
import math

from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.form_tools import (
    TextFieldContent,
    annot_width_height,
    find_existing_empty_field,
    get_single_field_annot,
)
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import FormFillingError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign import fields, signers

from app.core import clock
from app.core.clock import LOCAL_TZ
from app.core.errors import ValidationError
from app.signing import placement
from app.signing.appearance import (
    FIELD_FONT_SIZE,
    SERIF,
    SERIF_ITALIC,
    VN_REPERTOIRE,
    EmbeddedFontFactory,
    FixedGlyphAccumulatorFactory,
    corner_stamp_size,
    corner_stamp_style,
    covers,
    field_style,
    image_style,
    nfc,
    text_width,
    wrap_text,
)
from app.signing.errors import (
    AlreadyIssued,
    AlreadySigned,
    NoPersonalSignature,
    NotAPdf,
    NumberFieldMissing,
    SignatureBlockNotFound,
)
from app.signing.pdf_fields import (
    ATTACHMENT_FIELD,
    COPY_FIELD,
    DATE_FIELD,
    NUMBER_FIELD,
    PERSONAL_FIELD,
    SEAL_FIELD,
    number_field_values,
    number_fields_state,
    resolved,
    signature_field_states,
    signature_fields,
    visible_box,
)
from app.signing.placement import Box
from app.signing.safety import check_active_content, read_pdf, remember_clean
from app.signing.signer import CachedKeySigner, cached_key_signer  # noqa: F401  (part of this module's API)

__all__ = [
    "ATTACHMENT_FIELD",
    "COPY_FIELD",
    "COPY_FORMS",
    "DATE_FIELD",
    "NUMBER_FIELD",
    "PERSONAL_FIELD",
    "SEAL_FIELD",
    "Box",
    "cached_key_signer",
    "issue",
    "number_fields_state",
    "prepare_draft",
    "sign_attachment",
    "sign_copy",
    "sign_personal",
    "signature_fields",
]

COPY_FORMS = ("SAO Y", "SAO LỤC", "TRÍCH SAO")  # NĐ 30/2020 Phụ lục I Phần II.I.1

# /AcroForm /DR fonts: what a viewer rebuilding a field needs, and what `issue` writes the number and date with.
DR_FONTS = {SERIF: "/LibSerif", SERIF_ITALIC: "/LibSerifI"}
DEFAULT_APPEARANCE = f"{DR_FONTS[SERIF]} {FIELD_FONT_SIZE} Tf 0 g"
CORNER_TOP, CORNER_RIGHT = 12.0, 42.5  # stamp distance from the top edge and from the right edge (15 mm margin)
SAMPLE_TIME = "2026-11-22T09:30:00+07:00"  # as wide as any signing time, for sizing stamps
MAX_STAMP_WIDTH = 320.0  # a long agency name wraps beyond this


# --- the leader's draft ----------------------------------------------------------------------------------------


def prepare_draft(pdf: bytes, *, number_box: Box | None = None, date_box: Box | None = None) -> bytes:
    """Add the empty read-only number and date fields (and a Vietnamese /AcroForm font) before the leader signs.

    Positions are found on page 1 (`placement.number_box`, `placement.date_box`) unless given. A PDF that
    already has both fields is returned unchanged. Refuses PDFs with active content (UnsafePdf), PDFs already
    signed (AlreadySigned: fields created after a signature would invalidate it) and drafts without a "Số:"
    line or date line to place the fields on (NumberFieldMissing).
    """
    writer = _open(pdf)
    reader = writer.prev
    check_active_content(reader, source=pdf)
    existing = number_field_values(reader)
    if NUMBER_FIELD in existing and DATE_FIELD in existing:
        return pdf
    if any(signed for _, signed in signature_field_states(reader).values()):
        raise AlreadySigned()
    boxes = {NUMBER_FIELD: number_box, DATE_FIELD: date_box}
    if any(boxes[name] is None and name not in existing for name in boxes):
        found = dict(zip((NUMBER_FIELD, DATE_FIELD), placement.field_boxes(pdf), strict=True))
        for name in (NUMBER_FIELD, DATE_FIELD):
            if name in existing or boxes[name] is not None:
                continue
            boxes[name] = found[name]
            if boxes[name] is None:
                raise NumberFieldMissing(
                    "Không tìm thấy dòng “Số:” hoặc dòng địa danh, ngày tháng năm ở trang đầu văn bản để đặt ô số "
                    "và ngày ban hành.",
                    details={"field": name},
                )

    form, form_is_new = _acroform(writer)
    field_refs = _child(writer, form, "/Fields", generic.ArrayObject)
    for name in (NUMBER_FIELD, DATE_FIELD):
        if name in existing:
            continue
        box = boxes[name]
        field_refs.append(_add_text_field(writer, name, box))
    form.setdefault(pdf_name("/DA"), generic.pdf_string(DEFAULT_APPEARANCE))
    fonts = _child(writer, _child(writer, form, "/DR", generic.DictionaryObject), "/Font", generic.DictionaryObject)
    template = PdfFileReader(io.BytesIO(field_fonts_pdf()), strict=False)
    built = template.root["/QlvbFieldFonts"]
    for name in DR_FONTS.values():
        fonts[pdf_name(name)] = writer.import_object(built.raw_get(name))
    if not form_is_new:
        writer.update_container(form)
    prepared = _write(writer)
    remember_clean(prepared)  # the clean draft plus two empty fields and their fonts
    return prepared


@functools.cache
def field_fonts_pdf() -> bytes:
    """The /DR fonts of the number and date fields, built once per process into a PDF of their own.

    Each holds every Vietnamese letter (for `issue`, and for a viewer that rebuilds a field); subsetting and
    compiling them is the same work for every draft and was most of the time of a signature, so drafts import
    the finished objects instead.
    """
    writer = PdfFileWriter()
    fonts = generic.DictionaryObject()
    for font_path, name in DR_FONTS.items():
        engine = FixedGlyphAccumulatorFactory(font_path, font_size=FIELD_FONT_SIZE).create_font_engine(writer)
        engine.shape(VN_REPERTOIRE)
        fonts[pdf_name(name)] = engine.as_resource()
    writer.root[pdf_name("/QlvbFieldFonts")] = writer.add_object(fonts)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _acroform(writer: IncrementalPdfFileWriter) -> tuple[generic.DictionaryObject, bool]:
    root = writer.root
    if "/AcroForm" in root:
        return root["/AcroForm"], False
    form = generic.DictionaryObject()
    root[pdf_name("/AcroForm")] = writer.add_object(form)
    writer.update_root()
    return form, True


def _child(writer: IncrementalPdfFileWriter, parent: generic.DictionaryObject, key: str, empty):
    """`parent[key]`, created empty if missing; an indirect one is marked for rewriting with the update."""
    if key not in parent:
        parent[pdf_name(key)] = value = empty()
        return value
    raw = parent.raw_get(key)
    if isinstance(raw, generic.IndirectObject):
        writer.mark_update(raw)
        return raw.get_object()
    return raw


def _add_text_field(writer: IncrementalPdfFileWriter, name: str, box: Box) -> generic.IndirectObject:
    """A merged field + widget, read-only from the start so the leader's viewer does not offer it for typing."""
    llx, lly, urx, ury = box.rect
    page_ref = writer.find_page_for_modification(box.page)[0]
    empty = writer.add_object(
        generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Form"),
                pdf_name("/BBox"): generic.ArrayObject(map(generic.FloatObject, (0, 0, urx - llx, ury - lly))),
                pdf_name("/Resources"): generic.DictionaryObject(),
            },
            stream_data=b"/Tx BMC EMC",
        )
    )
    field = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): generic.pdf_string(name),
            pdf_name("/Rect"): generic.ArrayObject(map(generic.FloatObject, box.rect)),
            pdf_name("/F"): generic.NumberObject(4),  # print
            pdf_name("/Ff"): generic.NumberObject(1),  # read-only
            pdf_name("/P"): page_ref,
            pdf_name("/DA"): generic.pdf_string(DEFAULT_APPEARANCE),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): empty}),
        }
    )
    ref = writer.add_object(field)
    writer.register_annotation(page_ref, ref)
    return ref


# --- signatures ------------------------------------------------------------------------------------------------


def sign_personal(
    pdf: bytes,
    signer: signers.Signer,
    *,
    image_png: bytes,
    signer_name: str,
    image_size_pt: tuple[float, float],
    box: Box | None = None,
    fallback_box: Box | None = None,
    reason: str = "Ký duyệt văn bản",
    location: str | None = None,
) -> bytes:
    """Apply the competent person's approval signature, shown as the blue signature PNG on the last page.

    NĐ 30/2020 Phụ lục I II.7.d: transparent PNG, centred between the signer's title and printed name. The box
    is `box`, else found by `placement.signature_box`, else the deployment's configured `fallback_box`, else
    SignatureBlockNotFound.
    """
    writer = _open(pdf)
    check_active_content(writer.prev, source=pdf)
    signatures = signature_field_states(writer.prev)
    if signatures.get(PERSONAL_FIELD, (None, False))[1] or signatures.get(SEAL_FIELD, (None, False))[1]:
        raise AlreadySigned()
    if box is None:
        box = placement.signature_box(pdf, signer_name, image_size_pt) or fallback_box
        if box is None:
            raise SignatureBlockNotFound(details={"signer_name": nfc(signer_name)})
    spec = fields.SigFieldSpec(sig_field_name=PERSONAL_FIELD, on_page=box.page, box=box.rect)
    return _sign(writer, signer, PERSONAL_FIELD, spec, image_style(image_png), reason=reason, location=location)


def issue(
    pdf: bytes,
    signer: signers.Signer,
    *,
    seal_png: bytes,
    seal_size_pt: tuple[float, float],
    number_text: str,
    date_text: str,
    reason: str = "Ban hành văn bản",
    location: str | None = None,
) -> bytes:
    """The clerk's step: fill the number and date fields and apply the agency signature in the same revision.

    The number ("54/UBND-VP") is 13 pt regular on the printed "Số:" baseline; the date ("Rạch Giá, ngày 05 tháng
    01 năm 2027") 13 pt italic, centred, on an opaque white background that hides the placeholder line. The seal
    is the red PNG at real size, its right edge a third into the signature image, vertically centred on it
    (Phụ lục I II.8.a), and locks every field (FieldMDP /All) so nobody can refill them afterwards without
    invalidating it. Filling and sealing in one update also avoids pyHanko misjudging the lock later
    (spec/signing.md appendix, pitfall 3).
    """
    writer = _open(pdf)
    reader = writer.prev
    state = number_field_values(reader)
    if NUMBER_FIELD not in state or DATE_FIELD not in state:
        raise NumberFieldMissing()
    signatures = signature_field_states(reader)
    if any(value is not None for value in state.values()) or signatures.get(SEAL_FIELD, (None, False))[1]:
        raise AlreadyIssued()
    personal, personal_signed = signatures.get(PERSONAL_FIELD, (None, False))
    if not personal_signed:
        raise NoPersonalSignature()

    # Opaque, like the date: whatever the draft printed after "Số:" ("   /UBND-VP") is hidden under the real number.
    _fill(writer, NUMBER_FIELD, SERIF, nfc(number_text), centred=False, opaque=True)
    _fill(writer, DATE_FIELD, SERIF_ITALIC, nfc(date_text), centred=True, opaque=True)
    spec = fields.SigFieldSpec(
        sig_field_name=SEAL_FIELD,
        on_page=personal.page,
        box=placement.seal_box(personal.rect, seal_size_pt),
        field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.ALL),
    )
    return _sign(writer, signer, SEAL_FIELD, spec, image_style(seal_png), reason=reason, location=location)


def sign_attachment(
    pdf: bytes, signer: signers.Signer, *, symbol: str, reason: str = "Ký số văn bản kèm theo"
) -> bytes:
    """The agency signature on an attachment in its own file: no image, top right of page 1 (Phụ lục I II.8.b).

    Two lines in Liberation Serif 10 pt black: the main document's số, ký hiệu and the signing time in ISO 8601
    with +07:00, the same instant as the signature's /M.
    """
    symbol = nfc(symbol).strip()
    if not symbol:
        raise ValidationError("Thiếu số, ký hiệu văn bản để ký số văn bản kèm theo.", details={"symbol": "required"})
    return _sign_corner(pdf, signer, ATTACHMENT_FIELD, [symbol], reason)


def sign_copy(pdf: bytes, signer: signers.Signer, *, copy_form: str, agency_name: str) -> bytes:
    """The agency signature on an electronic copy: no image, top right of page 1 (Phụ lục I Phần II.I.3).

    Lines: the copy form ("SAO Y", "SAO LỤC" or "TRÍCH SAO"), the copying agency's name, the signing time in
    ISO 8601 with +07:00; Liberation Serif 10 pt black.
    """
    form = nfc(copy_form).strip().upper()
    if form not in COPY_FORMS:
        raise ValidationError(
            "Hình thức sao phải là “SAO Y”, “SAO LỤC” hoặc “TRÍCH SAO”.", details={"copy_form": copy_form}
        )
    agency = nfc(agency_name).strip()
    if not agency:
        raise ValidationError("Thiếu tên cơ quan, tổ chức sao văn bản.", details={"agency_name": "required"})
    lines = [form, *wrap_text(agency, SERIF, 10, MAX_STAMP_WIDTH)]
    return _sign_corner(pdf, signer, COPY_FIELD, lines, f"{form.capitalize()} văn bản")


def _sign_corner(pdf: bytes, signer, field_name: str, lines: list[str], reason: str) -> bytes:
    writer = _open(pdf)
    check_active_content(writer.prev, source=pdf)  # seed 001 Điều 9.2: nothing executable leaves the agency signed
    if signature_field_states(writer.prev).get(field_name, (None, False))[1]:
        raise AlreadySigned()
    width, height = corner_stamp_size([*lines, SAMPLE_TIME])
    x0, _, x1, y1 = visible_box(writer.prev, 0)
    # Whole points: pyHanko's stamp layout computes aspect ratios as Fractions, which refuse floats.
    right, top = math.floor(x1 - CORNER_RIGHT), math.floor(y1 - CORNER_TOP)
    box = (max(math.ceil(x0), right - math.ceil(width)), top - math.ceil(height), right, top)
    params = {f"line{i}": line for i, line in enumerate(lines)}
    template = "\n".join(f"%(line{i})s" for i in range(len(lines))) + "\n%(ts)s"
    spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=0, box=box)
    return _sign(writer, signer, field_name, spec, corner_stamp_style(template), reason=reason, text_params=params)


class _ClockedPdfSigner(signers.PdfSigner):
    """A PdfSigner whose signing time is `clock.now()` in Vietnam time instead of the process's local time."""

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = clock.now().astimezone(LOCAL_TZ)
        return session


def _sign(writer, signer, field_name, spec, style, *, reason, location=None, text_params=None) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,  # ETSI.CAdES.detached: PAdES B-B
        reason=nfc(reason) if reason else None,
        location=nfc(location) if location else None,
    )
    pdf_signer = _ClockedPdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec)
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out, bytes_reserved=_reserve(signer), appearance_text_params=text_params)
    return out.getvalue()


def _reserve(signer) -> int | None:
    """Room for the CMS blob, so pyHanko skips its dry-run signature (which signs everything twice).

    The blob holds the certificates the signer embeds, the signed attributes and the signature value; 4 KiB
    covers the last two for RSA-4096. Signers that do not expose their certificates get pyHanko's estimate.
    """
    cert = getattr(signer, "signing_cert", None)
    registry = getattr(signer, "cert_registry", None)
    if cert is None or registry is None:
        return None
    total = len(cert.dump()) + sum(len(c.dump()) for c in registry) + 4096
    return (total + 255) // 256 * 256


# --- writing ---------------------------------------------------------------------------------------------------


def _open(pdf: bytes) -> IncrementalPdfFileWriter:
    reader = read_pdf(pdf)  # NotAPdf for anything else
    try:
        return IncrementalPdfFileWriter.from_reader(reader)
    except Exception as exc:  # an xref pyHanko reads but cannot extend
        raise NotAPdf(details={"error": f"{type(exc).__name__}: {exc}"}) from exc


def _write(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _FieldContent(TextFieldContent):
    """A text field appearance, optionally on an opaque white background covering the whole widget."""

    def __init__(self, *args, opaque: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self._opaque = opaque

    def render(self) -> bytes:
        text = super().render()
        if not self._opaque:
            return text
        return b"q 1 g 0 0 %.2f %.2f re f Q\n" % (self.box.width, self.box.height) + text


def _fill(writer, name: str, font_path: str, text: str, *, centred: bool, opaque: bool) -> None:
    """pyHanko's populate_static_text_field, plus the opaque background and shrinking an over-long text.

    Like it: only an empty field is filled, /V is set, the field becomes read-only and loses its own /DA (the
    /AcroForm /DA stays), all of which pyHanko's diff analysis accepts as form filling after a signature.
    """
    try:
        field_ref = find_existing_empty_field(writer, name, field_type="/Tx")
    except FormFillingError as exc:
        raise AlreadyIssued(details={"field": name}) from exc
    field = field_ref.get_object()
    annot = get_single_field_annot(field)
    width, height = annot_width_height(annot)
    shrink = text_width(text, font_path, FIELD_FONT_SIZE) + 4 > width
    content = _FieldContent(
        writer=writer,
        text_content=text,
        text_style=field_style(font_path, centred=centred, shrink=shrink, font=_dr_font(writer, font_path, text)),
        box=layout.BoxConstraints(width=width, height=height),
        opaque=opaque,
    )
    content.apply_appearance(annot)
    writer.update_container(annot)
    field[pdf_name("/V")] = generic.TextStringObject(text)
    field[pdf_name("/Ff")] = generic.NumberObject(int(resolved(field, "/Ff", 0)) | 1)
    field.pop("/DA", None)
    writer.mark_update(field_ref)


def _dr_font(writer, font_path: str, text: str) -> EmbeddedFontFactory | None:
    """The /DR font `prepare_draft` embedded for this face, when it has every glyph of `text`; else None."""
    if not covers(text):
        return None
    try:
        font_ref = writer.root["/AcroForm"]["/DR"]["/Font"].raw_get(DR_FONTS[font_path])
        descendant = font_ref.get_object()["/DescendantFonts"][0]
        program = descendant["/FontDescriptor"]["/FontFile2"].data
    except (KeyError, IndexError, TypeError, AttributeError):  # a draft prepared by an older version: embed anew
        return None
    return EmbeddedFontFactory(font_ref=font_ref, font_program=program, font_size=FIELD_FONT_SIZE)

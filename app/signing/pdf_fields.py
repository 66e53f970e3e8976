"""The fields of a PDF being signed: their names, where their widgets are, what the number fields hold.

Read-side helpers of app.signing.sign (which re-exports the public ones); pyHanko's reader, references resolved.
"""

from __future__ import annotations

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.form_tools import get_single_field_annot
from pyhanko.pdf_utils.misc import FormFillingError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields

from app.signing.placement import Box
from app.signing.safety import read_pdf

PERSONAL_FIELD = "ChuKyCaNhan"
SEAL_FIELD = "ChuKyToChuc"
NUMBER_FIELD = "so_ky_hieu"
DATE_FIELD = "ngay_ban_hanh"
ATTACHMENT_FIELD = "ChuKyToChuc_KemTheo"
COPY_FIELD = "ChuKyToChuc_BanSao"


def signature_fields(pdf: bytes) -> dict[str, Box]:
    """Existing signature widgets (signed or not) by field name."""
    return {name: box for name, (box, _signed) in signature_field_states(read_pdf(pdf)).items()}


def number_fields_state(pdf: bytes) -> dict[str, str | None]:
    """{NUMBER_FIELD: value or None, DATE_FIELD: value or None} for the fields present; {} without them."""
    return number_field_values(read_pdf(pdf))


def signature_field_states(reader: PdfFileReader) -> dict[str, tuple[Box, bool]]:
    pages = _page_indices(reader)
    found = {}
    for name, value, field_ref in fields.enumerate_sig_fields(reader):
        field = field_ref.get_object()
        try:
            widget = get_single_field_annot(field)
        except FormFillingError:
            continue
        if "/Rect" not in widget:
            continue
        rect = tuple(float(v) for v in widget["/Rect"])
        page = -1
        if "/P" in widget and isinstance(widget.raw_get("/P"), generic.IndirectObject):
            page = pages.get(widget.raw_get("/P").idnum, -1)
        if page < 0:  # /P is optional; look for the widget in the pages' /Annots
            widget_ref = field_ref if "/Rect" in field else field["/Kids"].raw_get(0)
            page = _page_holding(reader, widget_ref.idnum)
        box = Box(page, (min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])))
        found[name] = (box, value is not None)
    return found


def number_field_values(reader: PdfFileReader) -> dict[str, str | None]:
    try:
        field_list = reader.root["/AcroForm"]["/Fields"]
    except KeyError:
        return {}
    state = {}
    for ref in field_list:
        field = ref.get_object()
        name = resolved(field, "/T")
        if name in (NUMBER_FIELD, DATE_FIELD) and resolved(field, "/FT") == "/Tx":
            value = resolved(field, "/V")
            state[str(name)] = str(value) if value else None
    return state


def _page_refs(reader: PdfFileReader) -> list[int]:
    refs: list[int] = []

    def walk(node_ref, depth=0):
        node = node_ref.get_object()
        if resolved(node, "/Type") == "/Pages" or "/Kids" in node:
            if depth < 64:
                for kid in node.raw_get("/Kids"):
                    walk(kid, depth + 1)
        else:
            refs.append(node_ref.idnum)

    walk(reader.root.raw_get("/Pages"))
    return refs


def _page_indices(reader: PdfFileReader) -> dict[int, int]:
    return {idnum: index for index, idnum in enumerate(_page_refs(reader))}


def _page_holding(reader: PdfFileReader, annot_idnum: int) -> int:
    for index, idnum in enumerate(_page_refs(reader)):
        page = reader.get_object(generic.Reference(idnum, 0, reader))
        annots = resolved(page, "/Annots", [])
        if any(isinstance(a, generic.IndirectObject) and a.idnum == annot_idnum for a in annots):
            return index
    return -1


def resolved(dictionary, key: str, default=None):
    """dict.get that resolves indirect references (pyHanko's DictionaryObject.get returns them raw)."""
    return dictionary[key] if key in dictionary else default  # noqa: SIM401 (get would not resolve)


def visible_box(reader: PdfFileReader, page_index: int) -> tuple[float, float, float, float]:
    """The page's CropBox (what a viewer shows), else its MediaBox, both inheritable."""
    node = reader.find_page_for_modification(page_index)[0].get_object()
    for key in ("/CropBox", "/MediaBox"):
        current, depth = node, 0
        while current is not None and depth < 64:
            if key in current:
                llx, lly, urx, ury = (float(v) for v in current[key])
                return min(llx, urx), min(lly, ury), max(llx, urx), max(lly, ury)
            current, depth = resolved(current, "/Parent"), depth + 1
    return 0.0, 0.0, 595.28, 841.89

"""Active content is refused before signing (seed 001 Điều 9.2, seed 004 Điều 14.3)."""

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

from app.signing import sample, sign
from app.signing.errors import NotAPdf, UnsafePdf
from app.signing.safety import check_active_content


@pytest.fixture(scope="module")
def draft():
    return sample.example_draft(pages=1)


def _update(pdf: bytes, change) -> bytes:
    """An incremental update made by `change(writer)`."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _dict(**entries) -> generic.DictionaryObject:
    return generic.DictionaryObject({pdf_name("/" + key): value for key, value in entries.items()})


def _javascript_action(code: str = "app.alert('x')") -> generic.DictionaryObject:
    return _dict(S=pdf_name("/JavaScript"), JS=pdf_string(code))


def _open_action_js(writer):
    writer.root[pdf_name("/OpenAction")] = writer.add_object(_javascript_action())
    writer.update_root()


def _names_tree_js(writer):
    action = writer.add_object(_javascript_action())
    tree = _dict(Names=generic.ArrayObject([pdf_string("init"), action]))
    writer.root[pdf_name("/Names")] = _dict(JavaScript=writer.add_object(tree))
    writer.update_root()


def _page_additional_action_js(writer):
    page_ref = writer.find_page_for_modification(0)[0]
    page = page_ref.get_object()
    page[pdf_name("/AA")] = _dict(O=_javascript_action())
    writer.update_container(page)


def _annotation(writer, annotation):
    writer.register_annotation(writer.find_page_for_modification(0)[0], writer.add_object(annotation))


def _launch_link(writer):
    action = _dict(S=pdf_name("/Launch"), F=pdf_string("cmd.exe"))
    rect = generic.ArrayObject(map(generic.FloatObject, (100, 100, 200, 120)))
    _annotation(writer, _dict(Type=pdf_name("/Annot"), Subtype=pdf_name("/Link"), Rect=rect, A=action))


def _rich_media(writer):
    rect = generic.ArrayObject(map(generic.FloatObject, (100, 100, 200, 200)))
    _annotation(writer, _dict(Type=pdf_name("/Annot"), Subtype=pdf_name("/RichMedia"), Rect=rect))


def _xfa_form(writer):
    writer.root[pdf_name("/AcroForm")] = _dict(Fields=generic.ArrayObject(), XFA=pdf_string("<xdp:xdp/>"))
    writer.update_root()


def _embedded_file(name: str):
    def change(writer):
        stream = writer.add_object(
            generic.StreamObject(_dict(Type=pdf_name("/EmbeddedFile")), stream_data=b"MZ\x90\x00payload")
        )
        spec = writer.add_object(
            _dict(Type=pdf_name("/Filespec"), F=pdf_string(name), UF=pdf_string(name), EF=_dict(F=stream))
        )
        tree = _dict(Names=generic.ArrayObject([pdf_string(name), spec]))
        writer.root[pdf_name("/Names")] = _dict(EmbeddedFiles=writer.add_object(tree))
        writer.update_root()

    return change


def _unreferenced_js(writer):
    writer.add_object(_javascript_action())  # in the file, reachable from nothing


def _indirect_action_name(writer):
    name = writer.add_object(pdf_name("/JavaScript"))
    action = _dict(S=name, JS=pdf_string("x"))
    del action["/JS"]  # only the action type says what it is, and it hides behind a reference
    writer.root[pdf_name("/OpenAction")] = writer.add_object(action)
    writer.update_root()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (_open_action_js, "JavaScript"),
        (_names_tree_js, "JavaScript"),
        (_page_additional_action_js, "JavaScript"),
        (_unreferenced_js, "JavaScript"),
        (_indirect_action_name, "JavaScript"),
        (_launch_link, "Launch"),
        (_rich_media, "RichMedia"),
        (_xfa_form, "XFA"),
        (_embedded_file("update.exe"), 'tệp thực thi nhúng kèm "update.exe"'),
        (_embedded_file("so-lieu.xlsx"), 'tệp nhúng kèm "so-lieu.xlsx"'),
    ],
)
def test_active_content_is_refused_and_named(draft, change, named):
    unsafe = _update(draft, change)

    with pytest.raises(UnsafePdf) as refused:
        check_active_content(unsafe)
    assert refused.value.code == "unsafe_pdf"
    assert refused.value.status == 422
    assert named in refused.value.message
    assert any(named in item for item in refused.value.details["found"])


def test_javascript_inside_an_object_stream_is_found():
    writer = PdfFileWriter(stream_xrefs=True)
    objects = writer.prepare_object_stream()
    action = writer.add_object(_javascript_action(), obj_stream=objects)
    writer.insert_page(PageObject(writer.add_object(generic.StreamObject(stream_data=b"")), (0, 0, 595, 842)))
    writer.root[pdf_name("/OpenAction")] = action
    out = io.BytesIO()
    writer.write(out)

    with pytest.raises(UnsafePdf):
        check_active_content(out.getvalue())


def _raw_pdf(*objects: bytes) -> bytes:
    """A PDF written byte by byte (object 1 the catalog), for syntax pyHanko's writer would normalise away."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_hex_escaped_names_do_not_hide_javascript():
    unsafe = _raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Java#53cript /J#53 (app.alert(1)) >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    )
    clean = unsafe.replace(b"/OpenAction << /S /Java#53cript /J#53 (app.alert(1)) >>", b" " * 55)
    assert len(clean) == len(unsafe)

    check_active_content(clean)
    with pytest.raises(UnsafePdf):
        check_active_content(unsafe)


def test_plain_documents_pass(draft):
    assert check_active_content(draft) is None
    assert check_active_content(sign.prepare_draft(draft)) is None


def test_prepare_and_attachment_signing_refuse_active_content(draft, pki):
    unsafe = _update(draft, _embedded_file("virus.exe"))
    seal = sign.cached_key_signer(pki.seal.cert, pki.seal.key, [pki.intermediate.cert, pki.root.cert])

    with pytest.raises(UnsafePdf):
        sign.prepare_draft(unsafe)
    with pytest.raises(UnsafePdf):
        sign.sign_attachment(unsafe, seal, symbol="54/UBND-VP")
    with pytest.raises(UnsafePdf):
        sign.sign_copy(unsafe, seal, copy_form="SAO Y", agency_name="UBND thành phố Rạch Giá")


def test_non_pdf_is_not_a_pdf():
    with pytest.raises(NotAPdf):
        check_active_content(b"PK\x03\x04 a zip file")


def test_a_file_found_clean_is_not_examined_again_and_an_unsafe_one_always_is(draft, monkeypatch):
    from app.signing import safety

    unsafe = _update(draft, _open_action_js)
    check_active_content(draft)
    examined = []
    monkeypatch.setattr(safety, "_examine", lambda reader: examined.append(reader))
    check_active_content(draft)
    check_active_content(safety.read_pdf(draft), source=draft)
    assert examined == []  # known clean by its SHA-256
    monkeypatch.undo()
    for _ in range(2):
        with pytest.raises(UnsafePdf):
            check_active_content(unsafe)


def test_the_prepared_draft_is_known_clean_and_the_same_fonts_serve_every_draft(draft):
    prepared = sign.prepare_draft(draft)
    again = sign.prepare_draft(sample.example_draft(pages=2))
    check_active_content(prepared)  # passes from the memo, and would pass examined
    from app.signing.safety import _examine, read_pdf

    _examine(read_pdf(prepared))
    fonts = [read_pdf(pdf).root["/AcroForm"]["/DR"]["/Font"] for pdf in (prepared, again)]
    assert set(fonts[0]) == set(fonts[1]) and len(fonts[0]) == len(sign.DR_FONTS)
    assert fonts[0][next(iter(fonts[0]))]["/BaseFont"] == fonts[1][next(iter(fonts[1]))]["/BaseFont"]

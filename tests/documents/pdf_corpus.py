"""A corpus of malformed and hostile PDFs, made here byte by byte (nothing downloaded).

Each entry is what an attacker or a broken scanner sends: truncated, encrypted, JavaScript-laden, a Launch action,
an embedded .exe, 20,000 pages, a decompression bomb, a looping page tree, a garbage xref, zero bytes.
"""

import io
import zlib
from functools import cache

import pikepdf

CONTENT = b"BT /F1 24 Tf 72 720 Td (Cong van so 12) Tj ET"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def build(objects: dict[int, bytes], *, root: int = 1, trailer: bytes = b"") -> bytes:
    """A PDF of these numbered objects (bodies without `obj`/`endobj`), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    size = max(objects) + 1
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        if number in offsets:
            out.write(b"%010d 00000 n \n" % offsets[number])
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, trailer, xref))
    return out.getvalue()


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _one_page(catalog_extra: bytes = b"", page_extra: bytes = b"", more: dict[int, bytes] | None = None) -> bytes:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> " + page_extra + b">>",
        4: stream(CONTENT),
        5: FONT,
    }
    objects.update(more or {})
    return build(objects)


def clean() -> bytes:
    return _one_page()


def javascript() -> bytes:
    return _one_page(
        b"/OpenAction 6 0 R /Names << /JavaScript << /Names [(a) 6 0 R] >> >>",
        more={6: b"<< /S /JavaScript /JS (app.alert\\('x'\\)) >>"},
    )


def launch() -> bytes:
    return _one_page(b"/OpenAction << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>")


def embedded_exe() -> bytes:
    exe = b"MZ\x90\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode."
    return _one_page(
        b"/Names << /EmbeddedFiles << /Names [(hoadon.exe) 6 0 R] >> >>",
        more={
            6: b"<< /Type /Filespec /F (hoadon.exe) /UF (hoadon.exe) /EF << /F 7 0 R >> >>",
            7: stream(exe, b"/Type /EmbeddedFile "),
        },
    )


def uri_link() -> bytes:
    return _one_page(
        page_extra=b"/Annots [6 0 R]",
        more={6: b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://example.vn) >> >>"},
    )


def many_pages(count: int = 20_000) -> bytes:
    first = 10
    kids = b" ".join(b"%d 0 R" % (first + i) for i in range(count))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        4: stream(CONTENT),
        5: FONT,
    }
    for i in range(count):
        objects[first + i] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
    return build(objects)


@cache
def bomb(inflated: int = 1024 * 1024 * 1024) -> bytes:
    """A page whose content stream inflates to `inflated` bytes (1 GiB) from about a megabyte.

    One fully flushed deflate block of 1 MiB of spaces, repeated: a full flush resets the compressor's history, so
    the same bytes are valid at any position (making it by compressing 1 GiB would take a quarter of a minute).
    """
    chunk = b" " * (1024 * 1024)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    count = inflated // len(chunk)
    checksum = 1
    for _ in range(count):
        checksum = zlib.adler32(chunk, checksum)
    data = b"\x78\xda" + block * count + b"\x03\x00" + checksum.to_bytes(4, "big")
    return _one_page(more={4: stream(data, b"/Filter /FlateDecode ")})


def looping_pages() -> bytes:
    return build(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
            3: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
            4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        }
    )


def garbage_xref() -> bytes:
    data = clean()
    start = data.rindex(b"xref\n0 ")
    end = data.rindex(b"trailer")
    return (
        data[:start]
        + b"xref\n0 6\nthis is not an xref table at all\n"
        + data[end:].replace(b"startxref\n", b"startxref\n9")
    )


def truncated() -> bytes:
    data = clean()
    return data[: len(data) // 2]


def zero_bytes() -> bytes:
    return b""


def _encrypted(user: str) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(clean())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="chu-so-huu", user=user, R=6))
    return out.getvalue()


def encrypted_with_password() -> bytes:
    return _encrypted("mat-khau")


def encrypted_without_password() -> bytes:
    return _encrypted("")


def signed_with_javascript() -> bytes:
    """A PDF that declares a signature field with a value (as a signed file does) and carries JavaScript."""
    return _one_page(
        b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> /AcroForm << /Fields [6 0 R] /SigFlags 3 >>",
        page_extra=b"/Annots [6 0 R]",
        more={
            6: b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Sig1) /Rect [0 0 0 0] /P 3 0 R /V 7 0 R >>",
            7: b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 0 0 0] "
            b"/Contents <00> >>",
        },
    )


# name → (maker, what must happen at the intake: "accept", "disarm" or a refusal code)
HOSTILE = {
    "truncated": truncated,
    "encrypted_with_password": encrypted_with_password,
    "encrypted_without_password": encrypted_without_password,
    "javascript": javascript,
    "launch": launch,
    "embedded_exe": embedded_exe,
    "many_pages": many_pages,
    "bomb": bomb,
    "looping_pages": looping_pages,
    "garbage_xref": garbage_xref,
    "zero_bytes": zero_bytes,
}

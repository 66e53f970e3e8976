"""Refuse PDFs with active content before they are signed and issued.

Seed 001 Điều 9.2 and seed 004 Điều 14.3: electronic documents are checked before issue so that the file is "an
toàn, không bị lây nhiễm hoặc bị nhúng các mã độc". A signed document is forwarded to every recipient, so we sign
none that can run code or carry a file: JavaScript (document names tree, OpenAction, additional actions of pages,
annotations and fields), Launch actions, embedded files, RichMedia (Flash/video) and XFA forms. Every object in
the file is examined, not only those reachable from the catalog, so nothing hides in an unreferenced object or in
an object stream.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections import OrderedDict

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from app.documents.pdfcheck import bounds_problem
from app.signing.errors import NotAPdf, UnsafePdf

log = logging.getLogger(__name__)

_HEADER_WINDOW = 1024  # readers accept a %PDF- header anywhere in the first 1024 bytes
EXECUTABLE_SUFFIXES = frozenset(
    (
        *(".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".msi", ".msp", ".dll", ".cpl", ".lnk", ".reg", ".hta"),
        *(".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh", ".ps1", ".psm1", ".jar", ".sh", ".py", ".apk", ".app"),
        *(".docm", ".xlsm", ".pptm"),  # office files with macros
    )
)

JAVASCRIPT = "mã JavaScript"
LAUNCH = "lệnh mở chương trình (Launch)"
RICH_MEDIA = "nội dung đa phương tiện (RichMedia)"
XFA = "biểu mẫu XFA"
EMBEDDED = "tệp nhúng kèm"
EXECUTABLE = "tệp thực thi nhúng kèm"
ENCRYPTED = "nội dung được mã hoá, không kiểm tra được"


def read_pdf(data: bytes) -> PdfFileReader:
    """Parse `data` with pyHanko's reader, or raise NotAPdf."""
    if not isinstance(data, bytes | bytearray):
        raise TypeError("PDF data must be bytes")
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise NotAPdf(details={"error": "no %PDF- header"})
    problem = bounds_problem(bytes(data))
    if problem is not None and problem[0] != "pdf_password":  # pyHanko reports an encrypted file itself
        raise NotAPdf(problem[1] if problem[0] != NotAPdf.code else None, details={"error": problem[0]})
    try:
        # strict=False: office-suite exports with hybrid xrefs or small syntax slips must still be signable, and
        # received files readable so their signatures can be judged (coverage and diff checks stay strict).
        reader = PdfFileReader(io.BytesIO(bytes(data)), strict=False)
        _ = reader.root["/Pages"]
    except Exception as exc:  # the parser raises many kinds of errors on garbage; all mean "not a readable PDF"
        raise NotAPdf(details={"error": f"{type(exc).__name__}: {exc}"}) from exc
    return reader


class _CleanDigests:
    """The SHA-256 of PDFs found clean lately (bounded): one signature checks the same draft at several steps,
    and each full examination reads every object of the file."""

    def __init__(self, size: int = 256) -> None:
        self._digests: OrderedDict[bytes, None] = OrderedDict()
        self._size, self._lock = size, threading.Lock()

    def __contains__(self, digest: bytes) -> bool:
        with self._lock:
            return digest in self._digests

    def add(self, digest: bytes) -> None:
        with self._lock:
            self._digests[digest] = None
            self._digests.move_to_end(digest)
            while len(self._digests) > self._size:
                self._digests.popitem(last=False)


_clean = _CleanDigests()


def remember_clean(data: bytes) -> None:
    """Record `data` as clean without examining it: for a file this module's callers made from a clean one by
    adding only fields, fonts and signatures."""
    _clean.add(hashlib.sha256(data).digest())


def check_active_content(pdf: bytes | PdfFileReader, *, source: bytes | None = None) -> None:
    """Raise UnsafePdf naming everything active found in the PDF; return None for a clean one.

    `pdf` is the file's bytes, or a reader of them; with a reader, `source` (its bytes) lets a file found clean
    before pass at once.
    """
    data = source if isinstance(pdf, PdfFileReader) else pdf
    digest = hashlib.sha256(data).digest() if data is not None else None
    if digest is not None and digest in _clean:
        return
    _examine(pdf if isinstance(pdf, PdfFileReader) else read_pdf(pdf))
    if digest is not None:
        _clean.add(digest)


def _examine(reader: PdfFileReader) -> None:
    if reader.encrypted:
        raise UnsafePdf(_message([ENCRYPTED]), details={"found": [ENCRYPTED]})
    found: list[str] = []
    for obj in _all_objects(reader):
        _inspect(obj, found, set())
    if found:
        unique = list(dict.fromkeys(found))
        if any(item.startswith(f"{EXECUTABLE} ") or item.startswith(f"{EMBEDDED} ") for item in unique):
            unique = [item for item in unique if item != EMBEDDED]  # the named file says more than the tree
        raise UnsafePdf(_message(unique), details={"found": unique})


def _message(found: list[str]) -> str:
    return f"{UnsafePdf.message.rstrip('.')}: {', '.join(found)}."


def _all_objects(reader: PdfFileReader):
    """Every object of every revision (its latest version), then the trailer's graph for unlisted objects."""
    seen: set[int] = set()
    xrefs = reader.xrefs
    for revision in range(xrefs.total_revisions):
        for ref in xrefs.explicit_refs_in_revision(revision):
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
            try:
                yield reader.get_object(ref)
            except Exception as exc:  # a broken object cannot run anything; pyHanko will refuse it if it matters
                log.debug("unreadable object %s skipped", ref, exc_info=exc)
    stack = [reader.trailer.flatten()]
    while stack:
        obj = stack.pop()
        yield obj
        for child in _children(obj):
            if isinstance(child, generic.IndirectObject) and child.idnum not in seen:
                seen.add(child.idnum)
                try:
                    stack.append(child.get_object())
                except Exception as exc:
                    log.debug("unreadable object %s skipped", child, exc_info=exc)


def _children(obj):
    if isinstance(obj, dict):
        for key in obj:
            yield obj.raw_get(key) if isinstance(obj, generic.DictionaryObject) else obj[key]
    elif isinstance(obj, list):
        yield from obj


def _inspect(obj, found: list[str], seen_direct: set[int]) -> None:
    """Examine one object and its direct (non-indirect) sub-objects."""
    if isinstance(obj, generic.IndirectObject) or id(obj) in seen_direct:
        return
    seen_direct.add(id(obj))
    if isinstance(obj, dict):
        keys = set(obj.keys())
        action, subtype = _get(obj, "/S"), _get(obj, "/Subtype")
        if keys & {"/JS", "/JavaScript"} or action == "/JavaScript":
            found.append(JAVASCRIPT)
        if action == "/Launch":
            found.append(LAUNCH)
        if subtype == "/RichMedia" or "/RichMediaContent" in keys:
            found.append(RICH_MEDIA)
        if "/XFA" in keys:
            found.append(XFA)
        if "/EF" in keys or "/EmbeddedFiles" in keys or _get(obj, "/Type") == "/EmbeddedFile" or action == "/GoToE":
            found.append(_embedded(obj))
    for child in _children(obj):
        _inspect(child, found, seen_direct)


def _get(obj, key: str):
    """The value of `key`, indirect references resolved (a name hidden behind a reference counts too)."""
    if key not in obj:
        return None
    try:
        return obj[key]
    except Exception:  # a dangling reference
        return None


def _embedded(obj) -> str:
    """Name the embedded file when the object is its file specification."""
    name = ""
    for key in ("/UF", "/F"):
        value = _get(obj, key)
        if isinstance(value, str):
            name = value
            break
    if not name:
        return EMBEDDED
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return f'{EXECUTABLE if suffix in EXECUTABLE_SUFFIXES else EMBEDDED} "{name}"'

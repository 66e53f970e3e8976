"""What a received PDF carries, read within bounds, and a disarmed copy of one that carries active content.

Seed 001 Điều 9.2 and seed 004 Điều 14.3: an electronic document must be "an toàn, không bị lây nhiễm hoặc bị nhúng
các mã độc". Incoming PDFs come from outside, so each is read with pikepdf (qpdf) before it is kept:

- refused whatever the agency's policy: not a readable PDF, a password needed to open it, more pages than
  QLVB_PDF_MAX_PAGES, a page tree that loops, a stream that inflates past QLVB_PDF_MAX_STREAM_MB or streams that
  inflate past QLVB_PDF_MAX_INFLATED_MB in all (a decompression bomb: each stream is inflated in small pieces and
  the output thrown away, never held whole);
- active content (JavaScript, automatic actions, Launch, embedded files, RichMedia, XFA, SubmitForm) is reported,
  then refused or disarmed by the agency's policy (app.documents.upload_policy); URIs are only reported.

Every other reader of PDFs (pypdf's text, PDFium's pages, pyHanko's signatures) asks `bounds_problem` first, so a
file over the bounds never reaches them, whichever path it came by.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field

import pikepdf
from flask import current_app, has_app_context

log = logging.getLogger(__name__)

# Active content: what the clerk is told the file carries (shown next to the file, and in refusals).
ACTIVE = {
    "javascript": "Tệp có mã JavaScript",
    "open_action": "Tệp tự thực hiện hành động khi mở (OpenAction)",
    "additional_actions": "Tệp có hành động tự động (AA)",
    "launch": "Tệp có lệnh mở chương trình khác (Launch)",
    "embedded_executable": "Tệp đính kèm tệp thực thi",
    "embedded_file": "Tệp đính kèm tệp khác",
    "rich_media": "Tệp có nội dung đa phương tiện (RichMedia)",
    "xfa": "Tệp có biểu mẫu XFA",
    "submit_form": "Tệp gửi dữ liệu biểu mẫu ra ngoài (SubmitForm)",
}
# Reported only: nothing runs by itself.
INFORMATIONAL = {
    "uri": "Tệp có liên kết ra Internet (URI)",
    "signed": "Tệp có chữ ký số",
    "encrypted": "Tệp được mã hóa (mở được không cần mật khẩu)",
}
LABELS = {**ACTIVE, **INFORMATIONAL}


def active_labels(codes) -> str:
    """What a refusal names: "có mã JavaScript; tự thực hiện hành động khi mở (OpenAction)" (labels without "Tệp")."""
    return "; ".join(LABELS.get(code, code).removeprefix("Tệp ") for code in codes)


EXECUTABLE_SUFFIXES = frozenset(
    [
        ".exe",
        ".com",
        ".bat",
        ".cmd",
        ".scr",
        ".pif",
        ".msi",
        ".msp",
        ".dll",
        ".cpl",
        ".lnk",
        ".reg",
        ".hta",
        ".vbs",
        ".vbe",
        ".js",
        ".jse",
        ".wsf",
        ".wsh",
        ".ps1",
        ".psm1",
        ".jar",
        ".sh",
        ".py",
        ".apk",
        ".app",
        ".elf",
        ".bin",
        ".docm",
        ".xlsm",
        ".pptm",
    ]
)
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")
DANGEROUS_ACTIONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "submit_form",
    "/ImportData": "submit_form",
    "/GoToE": "embedded_file",
    "/RichMediaExecute": "rich_media",
}
ATTACHING_ANNOTATIONS = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
UNREADABLE = ("not_a_pdf", "Tệp không phải PDF đọc được (tệp hỏng hoặc không đúng cấu trúc PDF).")
LOOP = ("pdf_page_tree_loop", "Cây trang của tệp PDF tự lặp vòng (tệp hỏng hoặc cố ý gây treo): không được tiếp nhận.")
_PIECE = 64 * 1024  # compressed bytes fed to the inflater at a time
_OUT = 1024 * 1024  # inflated bytes produced at a time (then discarded)


@dataclass(frozen=True)
class Limits:
    max_pages: int = 5000
    max_stream_bytes: int = 200 * 1024 * 1024
    max_inflated_bytes: int = 1024 * 1024 * 1024
    max_objects: int = 1_000_000

    @classmethod
    def from_config(cls) -> Limits:
        if not has_app_context():
            return cls()
        config = current_app.config
        return cls(
            max_pages=config.get("PDF_MAX_PAGES", cls.max_pages),
            max_stream_bytes=config.get("PDF_MAX_STREAM_BYTES", cls.max_stream_bytes),
            max_inflated_bytes=config.get("PDF_MAX_INFLATED_BYTES", cls.max_inflated_bytes),
        )


@dataclass
class Report:
    """What one PDF carries. `refusal` is (code, Vietnamese message) when the file is refused whatever the policy."""

    findings: list[str] = field(default_factory=list)
    pages: int | None = None
    refusal: tuple[str, str] | None = None
    embedded_names: list[str] = field(default_factory=list)

    @property
    def active(self) -> list[str]:
        return [f for f in self.findings if f in ACTIVE]

    @property
    def signed(self) -> bool:
        return "signed" in self.findings

    def labels(self) -> list[str]:
        return [LABELS[f] for f in self.findings]

    def add(self, finding: str) -> None:
        if finding not in self.findings:
            self.findings.append(finding)


class _Bomb(Exception):
    pass


class _Cache:
    """Reports of recently inspected files, by SHA-256 (bounded): one upload is asked about by several steps."""

    def __init__(self, size: int = 128) -> None:
        self._items: OrderedDict[tuple, Report] = OrderedDict()
        self._size, self._lock = size, threading.Lock()

    def get(self, key: tuple) -> Report | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: tuple, report: Report) -> None:
        with self._lock:
            self._items[key] = report
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_reports = _Cache()


def inspect_pdf(data: bytes, limits: Limits | None = None) -> Report:
    """Read `data` within `limits` and report what it carries; never raises for a hostile or broken file."""
    limits = limits or Limits.from_config()
    key = (hashlib.sha256(data).digest(), limits)
    if (cached := _reports.get(key)) is not None:
        return cached
    report = Report()
    try:
        _inspect(data, limits, report)
    except pikepdf.PasswordError:
        report.refusal = ("pdf_password", "Tệp PDF có mật khẩu: không mở được để kiểm tra nên không được tiếp nhận.")
    except _Bomb as exc:
        report.refusal = ("pdf_decompression_bomb", str(exc))
    except pikepdf.PdfError as exc:
        if "loop detected" in str(exc).lower():  # qpdf finds a looping page tree itself while opening
            report.refusal = LOOP
        else:
            report.refusal = UNREADABLE
        log.info("PDF refused: %s", exc)
    except Exception as exc:  # garbage qpdf cannot recover: "not a readable PDF"
        log.info("unreadable PDF refused: %s", exc)
        report.refusal = UNREADABLE
    _reports.put(key, report)
    return report


def bounds_problem(data: bytes) -> tuple[str, str] | None:
    """(code, message) when the PDF is one no reader of this system should open; None when it is within bounds."""
    return inspect_pdf(data).refusal


def _inspect(data: bytes, limits: Limits, report: Report) -> None:
    if b"%PDF-" not in data[:1024]:
        raise ValueError("no %PDF- header")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if pdf.is_encrypted:
            report.add("encrypted")
        pages = _count_pages(pdf.Root, limits)
        if isinstance(pages, tuple):
            report.refusal = pages
            return
        report.pages = pages
        inflated = 0
        for count, obj in enumerate(pdf.objects):
            if count > limits.max_objects:
                report.refusal = ("pdf_too_complex", "Tệp PDF có quá nhiều đối tượng, không kiểm tra được.")
                return
            if isinstance(obj, pikepdf.Stream):
                inflated += _check_stream(obj, limits, inflated, report)
                _look(obj.stream_dict, report, depth=0)
            elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array):
                _look(obj, report, depth=0)
        if "/OpenAction" in pdf.Root:
            report.add("open_action")


def _count_pages(root, limits: Limits) -> int | tuple[str, str]:
    """Leaves of the page tree, walked by hand: a loop or an excess is found without recursing without end."""
    try:
        top = root.get("/Pages")
    except Exception:
        top = None
    if top is None:
        return ("not_a_pdf", "Tệp PDF không có trang nào đọc được.")
    seen: set[tuple[int, int]] = set()
    stack, pages = [top], 0
    while stack:
        node = stack.pop()
        if node.is_indirect:
            if node.objgen in seen:
                return LOOP
            seen.add(node.objgen)
        kids = node.get("/Kids") if isinstance(node, pikepdf.Dictionary) else None
        if isinstance(kids, pikepdf.Array):
            stack.extend(k for k in kids if isinstance(k, pikepdf.Dictionary))
        else:
            pages += 1
            if pages > limits.max_pages:
                return ("pdf_too_many_pages", f"Tệp PDF có hơn {limits.max_pages} trang, vượt giới hạn tiếp nhận.")
    return pages


def _check_stream(obj: pikepdf.Stream, limits: Limits, so_far: int, report: Report) -> int:
    """How many bytes the stream inflates to, counted piece by piece; raises _Bomb past the limits."""
    filters = obj.stream_dict.get("/Filter")
    first = filters[0] if isinstance(filters, pikepdf.Array) and len(filters) else filters
    if first != pikepdf.Name.FlateDecode:
        return 0
    raw = obj.read_raw_bytes()  # compressed: never more than the file itself
    inflater, total, head = zlib.decompressobj(), 0, b""
    view = memoryview(raw)
    try:
        for start in range(0, len(view), _PIECE):
            piece = view[start : start + _PIECE].tobytes()
            while piece:
                out = inflater.decompress(piece, _OUT)
                head = head or out[:8]
                total += len(out)
                if total > limits.max_stream_bytes:
                    raise _Bomb(
                        f"Tệp PDF có luồng dữ liệu giải nén vượt {limits.max_stream_bytes // 2**20} MB "
                        "(bom giải nén): không được tiếp nhận."
                    )
                if so_far + total > limits.max_inflated_bytes:
                    raise _Bomb(
                        f"Tệp PDF giải nén ra hơn {limits.max_inflated_bytes // 2**20} MB (bom giải nén): "
                        "không được tiếp nhận."
                    )
                piece = inflater.unconsumed_tail
                if inflater.eof:
                    break
            if inflater.eof:
                break
    except zlib.error:
        pass  # a damaged stream: readers show what they can; it runs nothing
    if obj.stream_dict.get("/Type") == pikepdf.Name("/EmbeddedFile") and head.startswith(EXECUTABLE_MAGIC):
        report.add("embedded_executable")
        if "embedded_file" in report.findings:
            report.findings.remove("embedded_file")
    return total


def _name(value) -> str | None:
    return str(value) if isinstance(value, pikepdf.Name) else None


# Entries that hold geometry, fonts, page content or tree links: nothing a reader runs sits below them, and skipping
# them keeps a 5,000-page file's examination to a fraction of a second.
_INERT = frozenset(
    [
        "/Parent",
        "/Kids",
        "/Prev",
        "/First",
        "/Last",
        "/MediaBox",
        "/CropBox",
        "/BleedBox",
        "/TrimBox",
        "/ArtBox",
        "/BBox",
        "/Rect",
        "/Matrix",
        "/Widths",
        "/ProcSet",
        "/Length",
        "/Filter",
        "/DecodeParms",
        "/ColorSpace",
        "/Font",
        "/Contents",
        "/Type",
        "/Subtype",
        "/Count",
        "/Rotate",
        "/Resources",
        "/FontDescriptor",
        "/Encoding",
        "/ToUnicode",
        "/Differences",
        "/W",
        "/Index",
        "/Size",
        "/ID",
        "/Info",
        "/Metadata",
    ]
)
_WATCHED = frozenset(
    ["/S", "/JS", "/JavaScript", "/AA", "/OpenAction", "/RichMediaContent", "/XFA", "/URI", "/FT", "/ByteRange", "/EF"]
)


def _look(obj, report: Report, depth: int) -> None:
    """Examine one object and its direct sub-objects (indirect ones are examined on their own)."""
    if depth > 64:
        return
    if isinstance(obj, pikepdf.Dictionary):
        keys = set(obj.keys())
        if keys & _WATCHED or "/EmbeddedFiles" in keys or "/Subtype" in keys:
            _look_at_keys(obj, keys, report)
        children = (obj.get(k) for k in keys - _INERT)
    elif isinstance(obj, pikepdf.Array):
        children = iter(obj)
    else:
        return
    for child in children:
        if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
            _look(child, report, depth + 1)


def _look_at_keys(obj, keys: set[str], report: Report) -> None:
    action = _name(obj.get("/S")) if "/S" in keys else None
    subtype = _name(obj.get("/Subtype")) if "/Subtype" in keys else None
    if keys & {"/JS", "/JavaScript"} or action == "/JavaScript":
        report.add("javascript")
    if action in DANGEROUS_ACTIONS:
        report.add(DANGEROUS_ACTIONS[action])
    if "/AA" in keys:
        report.add("additional_actions")
    if "/OpenAction" in keys:
        report.add("open_action")
    if subtype == "/RichMedia" or "/RichMediaContent" in keys:
        report.add("rich_media")
    if "/XFA" in keys:
        report.add("xfa")
    if action == "/URI" or ("/URI" in keys and action is None):
        report.add("uri")
    if "/ByteRange" in keys or ("/FT" in keys and "/V" in keys and _name(obj.get("/FT")) == "/Sig"):
        report.add("signed")
    if "/EF" in keys or "/EmbeddedFiles" in keys or subtype == "/FileAttachment":
        _embedded(obj, report)


def _embedded(obj, report: Report) -> None:
    name = ""
    for key in ("/UF", "/F"):
        value = obj.get(key)
        if isinstance(value, pikepdf.String):
            name = str(value)
            break
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if name and name not in report.embedded_names:
        report.embedded_names.append(name)
    report.add("embedded_executable" if suffix in EXECUTABLE_SUFFIXES else "embedded_file")
    if "embedded_executable" in report.findings and "embedded_file" in report.findings:
        report.findings.remove("embedded_file")  # the executable says more


# --- disarming --------------------------------------------------------------------------------------------------


def disarm(data: bytes) -> bytes:
    """A copy of the PDF without its active content (what the agency's policy "gỡ bỏ" keeps and serves).

    Removed: the document's JavaScript and embedded files name trees, OpenAction, every additional-actions (/AA)
    entry, actions that run code, launch programs or send data (their dictionaries emptied), annotations that
    attach files or play media, XFA forms, and the bytes of every embedded file. Links (URI) stay. Only for a file
    within bounds (`bounds_problem` is None). The copy is written deterministically: the same file gives the same
    copy (and so the same blob).
    """
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        for key in ("/OpenAction", "/AA"):
            if key in root:
                del root[key]
        names = root.get("/Names")
        if isinstance(names, pikepdf.Dictionary):
            for key in ("/JavaScript", "/EmbeddedFiles"):
                if key in names:
                    del names[key]
        form = root.get("/AcroForm")
        if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
            del form["/XFA"]
        for obj in list(pdf.objects):
            target = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
            if isinstance(obj, pikepdf.Stream) and target.get("/Type") == pikepdf.Name("/EmbeddedFile"):
                obj.write(b"")  # the file's bytes go even if something still points at it
            if isinstance(target, pikepdf.Dictionary):
                try:
                    _disarm_dictionary(target, depth=0)
                except TypeError:  # a damaged object pikepdf cannot walk (found by fuzzing): emptied, whatever it held
                    _empty(target)
        out_options = {"deterministic_id": True, "stream_decode_level": pikepdf.StreamDecodeLevel.none}
        pdf.save(out, **out_options)
    return out.getvalue()


def _disarm_dictionary(obj: pikepdf.Dictionary, depth: int) -> None:
    if depth > 64:
        return
    for key in ("/AA", "/OpenAction", "/JS", "/JavaScript", "/EF", "/RichMediaContent", "/XFA"):
        if key in obj:
            del obj[key]
    action = _name(obj.get("/S"))
    if action in DANGEROUS_ACTIONS:
        for key in list(obj.keys()):
            del obj[key]
        return
    annots = obj.get("/Annots")
    if isinstance(annots, pikepdf.Array):
        kept = [a for a in annots if not _attaching(a)]
        if len(kept) != len(annots):
            obj["/Annots"] = pikepdf.Array(kept)
    for key in list(obj.keys()):
        child = obj.get(key)
        if isinstance(child, pikepdf.Dictionary) and not child.is_indirect:
            _disarm_dictionary(child, depth + 1)
        elif isinstance(child, pikepdf.Array) and not child.is_indirect:
            for item in child:
                if isinstance(item, pikepdf.Dictionary) and not item.is_indirect:
                    _disarm_dictionary(item, depth + 1)


def _empty(obj) -> None:
    with contextlib.suppress(TypeError, ValueError, KeyError):
        for key in list(obj.keys()):
            del obj[key]


def _attaching(annot) -> bool:
    return isinstance(annot, pikepdf.Dictionary) and _name(annot.get("/Subtype")) in ATTACHING_ANNOTATIONS

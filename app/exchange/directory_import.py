"""Import the agency directory from a CSV or XML list (danh bạ liên thông): all or nothing, upserted by code.

CSV: a header line naming the columns `ma_dinh_danh`, `ten_co_quan` and, optionally, `he_thong` (the key id of the
peer that reaches the agency) and `ghi_chu`; "," or ";" separated (spreadsheets in Vietnamese locales write ";");
UTF-8, with or without the byte-order mark Excel adds. XML: `<agencies><agency code="…" name="…" peer="…"
note="…"/></agencies>`, read with the hardened parser of the edXML packages (no entities, no network, no DTD).

Every line is checked before anything is written: one bad line refuses the file, and every bad line is listed
("Dòng 7: …") so the administrator fixes the file once. An empty `he_thong` or `ghi_chu` leaves what the entry
already has (a national list does not know our peers); the edit page clears them.
"""

import csv
import io
import unicodedata
from dataclasses import dataclass, field

import sqlalchemy as sa
from lxml import etree

from app.audit import services as audit
from app.core.db import db
from app.core.errors import ValidationError
from app.exchange import edxml_base
from app.exchange.directory import MAX_NAME, MAX_NOTE, code_problem, equivalent_entry
from app.exchange.models import DirectoryEntry, ExchangePeer
from app.exchange.permissions import require_manage_exchange
from app.org.agency_code import equivalent_codes, normalize_agency_code

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
MAX_ERRORS_SHOWN = 200
COLUMNS = ("ma_dinh_danh", "ten_co_quan", "he_thong", "ghi_chu")


@dataclass
class Row:
    line: int
    code: str
    name: str
    peer_key: str = ""
    note: str = ""


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "applied": self.applied,
        }


def _refuse(message: str, errors: list[tuple[int, str]] | None = None) -> ValidationError:
    """`details` keyed by the file's own line number (`line_3` for "Dòng 3"); several problems of one line are
    joined (details stay a flat map of strings)."""
    details: dict[str, str] = {}
    for line, text in (errors or [])[:MAX_ERRORS_SHOWN]:
        key = f"line_{line}"
        details[key] = f"{details[key]} {text}" if key in details else text
    return ValidationError(message, code="directory_import_invalid", details=details or {"file": message})


def _text(value) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())


def _csv_rows(data: bytes) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("Tệp CSV phải mã hóa UTF-8 (khi lưu từ Excel chọn “CSV UTF-8”).") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    names = [_text(h).lower() for h in header or []]
    missing = [c for c in COLUMNS[:2] if c not in names]
    if missing:
        raise _refuse(
            "Dòng 1 phải là tiêu đề cột: ma_dinh_danh, ten_co_quan (và có thể he_thong, ghi_chu); thiếu cột "
            + ", ".join(missing)
            + "."
        )
    index = {c: names.index(c) for c in COLUMNS if c in names}
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue

        def cell(column: str, cells=cells) -> str:
            i = index.get(column)
            return _text(cells[i]) if i is not None and i < len(cells) else ""

        rows.append(Row(reader.line_num, cell("ma_dinh_danh"), cell("ten_co_quan"), cell("he_thong"), cell("ghi_chu")))
    return rows


def _xml_rows(data: bytes) -> list[Row]:
    try:
        root = etree.fromstring(data, parser=edxml_base.parser())
    except etree.XMLSyntaxError as exc:
        raise _refuse(f"Tệp không phải XML hợp lệ: {exc.msg}.") from None
    if root.getroottree().docinfo.doctype:
        raise _refuse("Tệp XML không được chứa khai báo DOCTYPE/ENTITY.")
    if etree.QName(root).localname != "agencies":
        raise _refuse("Phần tử gốc của tệp XML phải là <agencies>.")
    rows = []
    for element in root:
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).localname != "agency":
            rows.append(Row(element.sourceline or 0, "", "", note="\0bad-element"))
            continue
        get = element.get
        rows.append(
            Row(element.sourceline or 0, _text(get("code")), _text(get("name")), _text(get("peer")), _text(get("note")))
        )
    return rows


def read_rows(data: bytes, filename: str | None = None) -> list[Row]:
    """The lines of an upload, XML when it looks like XML (or is named .xml), CSV otherwise."""
    if data is None:
        raise _refuse("Chưa chọn tệp.")
    if not data:
        raise _refuse("Tệp trống.")
    if len(data) > MAX_BYTES:
        raise _refuse(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5]
    is_xml = (filename or "").lower().endswith(".xml") or head.startswith(b"<")
    rows = _xml_rows(data) if is_xml else _csv_rows(data)
    if len(rows) > MAX_ROWS:
        raise _refuse(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS}).")
    return rows


def _check(rows: list[Row]) -> list[tuple[int, str]]:
    errors: list[tuple[int, str]] = []
    peers = {p.key_id: p for p in db.session.scalars(sa.select(ExchangePeer))}
    first_line: dict[str, int] = {}
    for row in rows:
        where = f"Dòng {row.line}"
        if row.note == "\0bad-element":
            errors.append((row.line, f"{where}: chỉ nhận phần tử <agency code=… name=…/>."))
            continue
        row.code = normalize_agency_code(row.code)
        problem = code_problem(row.code)
        if problem:
            shown = f" “{row.code}”" if row.code else ""
            errors.append((row.line, f"{where}: Mã định danh{shown}: {problem[0].lower()}{problem[1:]}"))
        elif row.code in first_line:
            errors.append((row.line, f"{where}: Mã định danh {row.code} trùng với dòng {first_line[row.code]}."))
        elif twin_line := next((first_line[c] for c in sorted(equivalent_codes(row.code)) if c in first_line), None):
            errors.append((row.line, f"{where}: Mã định danh {row.code} là cách viết khác của mã ở dòng {twin_line}."))
        elif (twin := equivalent_entry(row.code)) is not None:
            errors.append(
                (row.line, f"{where}: Mã định danh {row.code} là cách viết khác của {twin.code}, đã có trong danh bạ.")
            )
        else:
            first_line[row.code] = row.line
        if not row.name:
            errors.append((row.line, f"{where}: thiếu tên cơ quan."))
        elif len(row.name) > MAX_NAME:
            errors.append((row.line, f"{where}: tên cơ quan dài quá {MAX_NAME} ký tự."))
        if row.peer_key and row.peer_key not in peers:
            errors.append((row.line, f"{where}: không có hệ thống liên thông mã khóa “{row.peer_key}”."))
        if len(row.note) > MAX_NOTE:
            errors.append((row.line, f"{where}: ghi chú dài quá {MAX_NOTE} ký tự."))
    return errors


def import_directory(actor, data: bytes, filename: str | None = None, *, dry_run: bool = False) -> ImportReport:
    """Check every line, then (unless `dry_run`) add the new codes and update the known ones, in the caller's
    transaction. Any bad line raises a ValidationError listing every bad line (details `line_N`), nothing
    written."""
    require_manage_exchange(actor)
    rows = read_rows(data, filename)
    if not rows:
        raise _refuse("Tệp không có dòng dữ liệu nào.")
    errors = _check(rows)
    if errors:
        raise _refuse(f"Không nhập được danh bạ: {len(errors)} lỗi, chưa ghi dòng nào.", errors)
    peers = {p.key_id: p for p in db.session.scalars(sa.select(ExchangePeer))}
    existing = {
        e.code: e
        for e in db.session.scalars(sa.select(DirectoryEntry).where(DirectoryEntry.code.in_([r.code for r in rows])))
    }
    report = ImportReport()
    for row in rows:
        entry = existing.get(row.code)
        peer = peers.get(row.peer_key) if row.peer_key else None
        if entry is None:
            report.added += 1
            if not dry_run:
                db.session.add(DirectoryEntry(code=row.code, name=row.name, peer=peer, note=row.note or None))
            continue
        wanted = {
            "name": row.name,
            "peer_id": peer.id if peer else entry.peer_id,
            "note": row.note or entry.note,
            "is_active": True if not entry.merged_into else entry.is_active,
        }
        if all(getattr(entry, k) == v for k, v in wanted.items()):
            report.unchanged += 1
            continue
        report.updated += 1
        if not dry_run:
            for key, value in wanted.items():
                setattr(entry, key, value)
    if not dry_run:
        db.session.flush()
        report.applied = True
        audit.record(
            actor,
            "exchange.directory_import",
            None,
            object_type="exchange_directory",
            agency_id=None,
            summary=(
                f"Nhập danh bạ liên thông từ tệp {filename or ''}: thêm {report.added}, cập nhật {report.updated}, "
                f"không đổi {report.unchanged}"
            ),
            changes={"file": filename, "added": report.added, "updated": report.updated, "unchanged": report.unchanged},
        )
    return report

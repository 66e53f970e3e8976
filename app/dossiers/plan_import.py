"""Import a file plan from an XLSX workbook in the Phụ lục V.II columns, and the template to fill in.

Columns: (1) Số và ký hiệu hồ sơ, (2) Tên đề mục và tiêu đề hồ sơ, (3) Thời hạn bảo quản, (4) Người lập hồ sơ
(tên đăng nhập, họ và tên, or a unit's name or abbreviation), (5) Ghi chú. A row with column 1 empty whose column 2
starts with a Roman numeral ("I. …") is a main heading, with an Arabic number ("1. …") a sub-heading; a main
heading's abbreviation is written after its name in brackets ("I. Tổ chức cán bộ (TCCB)") or taken from its first
hồ sơ's số và ký hiệu (01.TCCB). The numbers themselves are recomputed by the plan's numbering.

All or nothing: every row is checked first; one bad row and nothing is saved, and each bad row is reported with
its line number and a Vietnamese message.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field

from app.core.db import db
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.dossiers import permissions
from app.dossiers.codes import MAINTENANCE
from app.dossiers.models import FilePlan, FilePlanEntry, FilePlanHeading
from app.dossiers.plan import (
    create_plan,
    lock_plan,
    plan_of_year,
    record,
    renumber,
    touch,
)
from app.dossiers.plan_rules import ABBREVIATION, ABBREVIATION_MAX, NOTE_MAX, TITLE_MAX
from app.dossiers.states import PlanStatus
from app.org.models import Unit, User

COLUMNS = [
    "Số và ký hiệu hồ sơ",
    "Tên đề mục và tiêu đề hồ sơ",
    "Thời hạn bảo quản",
    "Người lập hồ sơ",
    "Ghi chú",
]
MAX_ROWS = 5000
MAIN = re.compile(r"^([IVXLCDM]+)\s*[.)]\s*(.+)$")
SUB = re.compile(r"^(\d+)\s*[.)]\s*(.+)$")
BRACKETED = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")
NOTATION = re.compile(r"^\s*(\d+)\s*\.\s*(\S+)\s*$")
YEARS = re.compile(r"^(\d+)\s*(năm)?$", re.IGNORECASE)
BY_YEARS = {years: code for code, (_label, years) in MAINTENANCE.items() if years}


@dataclass
class _Heading:
    line: int
    title: str
    abbreviation: str | None = None
    subs: list["_Heading"] = field(default_factory=list)
    entries: list[dict] = field(default_factory=list)


class ImportErrors(ValidationError):
    """The rows that are wrong: `details` maps "row_<n>" to its message (n: the line in the workbook)."""

    code = "file_plan_import_invalid"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def retention_from(text: str) -> tuple[str, int | None] | None:
    """ "Vĩnh viễn" → 01; "20 năm" or "20" → 05; another number of years → 07 Khác with those years."""
    lowered = text.lower()
    if lowered in ("vĩnh viễn", "vinh vien", "vv"):
        return "01", None
    match = YEARS.match(text)
    if not match or not 1 <= int(match.group(1)) <= 200:
        return None
    years = int(match.group(1))
    return (BY_YEARS[years], years) if years in BY_YEARS else ("07", years)


def _people(agency_id: int):
    users = db.session.query(User).filter(User.agency_id == agency_id, User.is_active.is_(True)).all()
    units = db.session.query(Unit).filter(Unit.agency_id == agency_id, Unit.is_active.is_(True)).all()
    by_login = {u.username.lower(): u for u in users}
    by_name: dict[str, list[User]] = {}
    for user in users:
        by_name.setdefault(user.full_name.lower(), []).append(user)
    by_unit = {}
    for unit in units:
        by_unit.setdefault(unit.name.lower(), unit)
        by_unit.setdefault(unit.abbreviation.lower(), unit)

    def find(text: str) -> tuple[int | None, int | None] | str:
        key = text.lower()
        if key in by_login:
            user = by_login[key]
            return user.id, user.unit_id
        named = by_name.get(key, [])
        if len(named) == 1:
            return named[0].id, named[0].unit_id
        if len(named) > 1:
            return f"Có {len(named)} người tên “{text}”: ghi tên đăng nhập thay cho họ và tên."
        if key in by_unit:
            return None, by_unit[key].id
        return f"Không tìm thấy người hoặc đơn vị “{text}” đang hoạt động trong cơ quan."

    return find


def _rows(data: bytes) -> list[tuple[int, list[str]]]:
    """(line, five cells) of the first sheet, from the line after the column headings."""
    from openpyxl import load_workbook  # only when used: ~7 MiB less in every server process

    unreadable = ValidationError("Không đọc được bảng tính Excel (.xlsx).", code="file_plan_import_format")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError("Tệp không phải bảng tính Excel (.xlsx).", code="file_plan_import_format")
    rows, started = [], False
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # whatever an uploaded file breaks in the reader is the file's fault, not ours
        raise unreadable from exc
    try:
        for line, values in enumerate(book.worksheets[0].iter_rows(max_col=5, values_only=True), 1):
            cells = [_cell(v) for v in (*values, *[None] * 5)[:5]]
            if not started:
                started = cells[1].lower().startswith("tên đề mục")
                continue
            if not any(cells) or all(re.fullmatch(r"\(\d\)", c or "(0)") for c in cells):
                continue  # blank lines, the "(1) (2) … (5)" line under the headings
            if any(c.lower().startswith("danh mục hồ sơ này có") for c in cells):
                break  # the footer of an exported plan
            rows.append((line, cells))
            if len(rows) > MAX_ROWS:
                raise ValidationError(f"Tệp có quá {MAX_ROWS} dòng.", code="file_plan_import_too_large")
    except ValidationError:
        raise
    except Exception as exc:
        raise unreadable from exc
    finally:
        book.close()
    if not started:
        raise ValidationError(
            "Không thấy dòng tiêu đề cột “Tên đề mục và tiêu đề hồ sơ”: dùng tệp mẫu của hệ thống.",
            code="file_plan_import_format",
        )
    return rows


def _entry(cells: list[str], line: int, main: _Heading | None, find) -> tuple[dict, list[str]]:
    """A hồ sơ row: its values and what is wrong with it."""
    notation, title, retention, person, note = cells
    entry = {"line": line, "title": title, "note": note or None, "responsible_id": None, "responsible_unit_id": None}
    problems = []
    if main is None:
        problems.append("Hồ sơ phải nằm sau một đề mục lớn (I., II. …).")
    if not title:
        problems.append("Thiếu tiêu đề hồ sơ.")
    if notation:
        parsed = NOTATION.match(notation)
        if not parsed:
            problems.append(f"Số và ký hiệu “{notation}” không đúng dạng 01.TCCB.")
        elif main is not None:
            suffix = parsed.group(2).upper()
            main.abbreviation = main.abbreviation or suffix
            if suffix != main.abbreviation:
                problems.append(f"Ký hiệu {suffix} khác chữ viết tắt {main.abbreviation} của đề mục lớn.")
    found = retention_from(retention)
    if found is None:
        problems.append("Thời hạn bảo quản không hợp lệ: ghi “Vĩnh viễn” hoặc số năm (ví dụ “20 năm”).")
    else:
        entry["maintenance"], entry["retention_years"] = found
    if person:
        who = find(person)
        if isinstance(who, str):
            problems.append(who)
        else:
            entry["responsible_id"], entry["responsible_unit_id"] = who
    return entry, problems


def _abbreviation_errors(mains: list[_Heading]) -> dict[str, str]:
    errors, seen = {}, {}
    for main in mains:
        abbreviation = main.abbreviation or ""
        if not abbreviation:
            errors[f"row_{main.line}"] = (
                "Đề mục lớn chưa có chữ viết tắt: ghi trong ngoặc sau tên, ví dụ “I. Tổ chức cán bộ (TCCB)”, "
                "hoặc ghi số và ký hiệu của hồ sơ (01.TCCB)."
            )
        elif len(abbreviation) > ABBREVIATION_MAX or not ABBREVIATION.match(abbreviation):
            errors[f"row_{main.line}"] = f"Chữ viết tắt “{abbreviation}” không hợp lệ."
        elif abbreviation in seen:
            errors[f"row_{main.line}"] = f"Chữ viết tắt {abbreviation} đã dùng ở dòng {seen[abbreviation]}."
        else:
            seen[abbreviation] = main.line
    return errors


def parse(agency_id: int, data: bytes) -> list[_Heading]:
    """The workbook's headings and hồ sơ, or ImportErrors listing every bad row."""
    find = _people(agency_id)
    errors: dict[str, str] = {}
    mains: list[_Heading] = []
    current_main = current = None
    for line, cells in _rows(data):
        notation, title, note = cells[0], cells[1], cells[4]
        problems = []
        if len(title) > TITLE_MAX or len(note) > NOTE_MAX:
            problems.append(f"Tên, tiêu đề hoặc ghi chú dài quá {TITLE_MAX} ký tự.")
        main, sub = MAIN.match(title), SUB.match(title)
        if not notation and main:
            name, abbreviation = main.group(2), None
            if bracketed := BRACKETED.match(name):
                name, abbreviation = bracketed.group(1), bracketed.group(2).strip().upper()
            current_main = current = _Heading(line, name, abbreviation)
            mains.append(current_main)
        elif not notation and sub:
            if current_main is None:
                problems.append("Đề mục nhỏ phải nằm sau một đề mục lớn (I., II. …).")
            else:
                current = _Heading(line, sub.group(2))
                current_main.subs.append(current)
        else:
            entry, entry_problems = _entry(cells, line, current_main, find)
            problems += entry_problems
            if current is not None:
                current.entries.append(entry)
        if problems:
            errors[f"row_{line}"] = " ".join(problems)
    for key, message in _abbreviation_errors(mains).items():
        errors.setdefault(key, message)
    if not errors and not any(m.entries or any(s.entries for s in m.subs) for m in mains):
        raise ValidationError("Tệp không có hồ sơ nào.", code="file_plan_import_empty")
    if errors:
        ordered = dict(sorted(errors.items(), key=lambda kv: int(kv[0].removeprefix("row_"))))
        raise ImportErrors(f"Tệp có {len(ordered)} dòng không hợp lệ; chưa nhập gì.", details=ordered)
    return mains


def import_plan(actor: User, year: int, data: bytes, *, replace: bool = False) -> FilePlan:
    """Fill the draft plan of `year` (made if missing) from the workbook; a plan with content only with `replace`."""
    plan = plan_of_year(actor.agency_id, year) if isinstance(year, int) else None
    if plan is None:
        if not permissions.can_edit_plan(actor, actor.agency_id):
            raise PermissionDenied("Chỉ văn phòng (văn thư) và lãnh đạo cơ quan được lập Danh mục hồ sơ.")
        mains = parse(actor.agency_id, data)
        plan = create_plan(actor, year)
    else:
        plan = lock_plan(actor, plan, None)
        if plan.status != PlanStatus.DRAFT:
            raise Conflict("Danh mục hồ sơ đã ban hành: không nhập lại được.", code="file_plan_approved")
        if (plan.headings or plan.entries) and not replace:
            raise Conflict(
                "Danh mục hồ sơ đã có nội dung: chọn “Thay thế nội dung hiện có” để nhập lại.",
                code="file_plan_not_empty",
            )
        mains = parse(actor.agency_id, data)
        plan.entries.clear()
        db.session.flush()
        plan.headings.clear()
        db.session.flush()
    total = 0
    for main_position, main in enumerate(mains, 1):
        main_row = FilePlanHeading(plan=plan, position=main_position, abbreviation=main.abbreviation, title=main.title)
        db.session.add(main_row)
        groups = [(main_row, main.entries)]
        for sub_position, sub in enumerate(main.subs, 1):
            sub_row = FilePlanHeading(plan=plan, parent=main_row, position=sub_position, title=sub.title)
            groups.append((sub_row, sub.entries))
        for heading, entries in groups:
            for position, values in enumerate(entries, 1):
                total += 1
                db.session.add(
                    FilePlanEntry(
                        plan=plan,
                        heading=heading,
                        position=position,
                        number=0,
                        notation=f"~i{total}",
                        **{k: v for k, v in values.items() if k != "line"},
                    )
                )
    renumber(plan)
    touch(plan)
    record(actor, "file_plan.imported", plan, plan, f"Nhập Danh mục hồ sơ năm {plan.year} từ tệp Excel ({total} hồ sơ)",
           {"entries": total, "replace": replace})  # fmt: skip
    return plan


def template() -> bytes:
    """The workbook to fill in: the five columns of Phụ lục V.II and a sheet of instructions."""
    from openpyxl import Workbook  # only when used: ~7 MiB less in every server process
    from openpyxl.styles import Alignment, Border, Font, Side

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh mục hồ sơ"
    sheet.append(COLUMNS)
    sheet.append([f"({i})" for i in range(1, 6)])
    thin = Side(style="thin")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for letter, width in zip("ABCDE", (16, 60, 16, 28, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    guide = book.create_sheet("Hướng dẫn")
    for line in (
        ["Cách điền (Phụ lục V Nghị định 30/2020/NĐ-CP)"],
        ["Đề mục lớn: để trống cột (1), cột (2) ghi số La Mã và chữ viết tắt trong ngoặc: I. Tổ chức cán bộ (TCCB)"],
        ["Đề mục nhỏ: để trống cột (1), cột (2) ghi số Ả Rập, ví dụ: 1. Tuyển dụng"],
        ["Hồ sơ: cột (1) có thể để trống (hệ thống tự đánh số), hoặc ghi dạng 01.TCCB; cột (2) tiêu đề hồ sơ"],
        ["Thời hạn bảo quản: Vĩnh viễn, hoặc số năm (ví dụ 20 năm)"],
        ["Người lập hồ sơ: tên đăng nhập hoặc họ và tên (hoặc tên, chữ viết tắt của đơn vị)"],
        [],
        ["Ví dụ:"],
        ["", "I. Tổ chức cán bộ (TCCB)"],
        ["", "1. Tuyển dụng"],
        ["01.TCCB", "Hồ sơ tuyển dụng công chức năm 2026", "Vĩnh viễn", "cv.a1", ""],
        ["02.TCCB", "Hồ sơ nâng lương", "20 năm", "Phòng Tổng hợp", ""],
    ):
        guide.append(line)
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

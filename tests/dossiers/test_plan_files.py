"""The file plan's files: XLSX import (all or nothing, errors per row), the template, the Phụ lục V.II PDF (read
back with pypdf) and the XLSX export, which imports back into the same plan."""

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from app.core.errors import Conflict, ValidationError
from app.dossiers import plan as plans
from app.dossiers import plan_import, plan_print
from app.dossiers.models import FilePlan, FilePlanEntry
from tests.dossiers.test_plan_services import build, notations


def workbook(rows, header=True) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG"])
    if header:
        sheet.append(plan_import.COLUMNS)
        sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    ["", "I. Tổ chức cán bộ (TCCB)"],
    ["", "1. Tuyển dụng"],
    ["", "Hồ sơ tuyển dụng công chức", "Vĩnh viễn", "cv.a1", ""],
    ["", "Hồ sơ nâng lương", "20 năm", "Đặng Ngọc Ánh", "Theo quý"],
    ["", "II. Văn phòng"],
    ["01.VP", "Sổ đăng ký văn bản đến", "15", "Phòng Kinh tế", ""],
]


def test_a_good_workbook_makes_the_plan(archive_office, frozen_clock):
    plan = plan_import.import_plan(archive_office.clerk, 2026, workbook(GOOD))
    assert [r.label for r in plans.outline(plan) if r.kind != "entry"] == [
        "I. Tổ chức cán bộ",
        "1. Tuyển dụng",
        "II. Văn phòng",
    ]
    assert notations(plan) == ["01.TCCB", "02.TCCB", "03.VP"]
    entries = {e.title: e for e in plan.entries}
    assert (
        entries["Hồ sơ tuyển dụng công chức"].maintenance,
        entries["Hồ sơ tuyển dụng công chức"].responsible_id,
    ) == (
        "01",
        archive_office.spec_a1.id,
    )
    assert (entries["Hồ sơ nâng lương"].maintenance, entries["Hồ sơ nâng lương"].responsible_id) == (
        "05",
        archive_office.spec_a2.id,
    )
    office = entries["Sổ đăng ký văn bản đến"]
    assert (office.maintenance, office.retention_years, office.responsible_unit_id) == (
        "07",
        15,
        archive_office.unit_b.id,
    )


def test_a_bad_workbook_saves_nothing_and_names_each_bad_row(archive_office, frozen_clock, db_session):
    rows = [
        ["", "1. Đề mục nhỏ đứng đầu"],  # line 4
        ["", "I. Tổ chức cán bộ"],  # line 5: no abbreviation anywhere
        ["", "Hồ sơ A", "mãi mãi", "", ""],  # line 6
        ["", "Hồ sơ B", "10 năm", "nguoi.la", ""],  # line 7
        ["01/TCCB", "Hồ sơ C", "10 năm", "", ""],  # line 8
        ["", "Hồ sơ D", "10 năm", "", ""],  # line 9: fine
    ]
    with pytest.raises(ValidationError) as refused:
        plan_import.import_plan(archive_office.clerk, 2026, workbook(rows))
    assert refused.value.code == "file_plan_import_invalid"
    details = refused.value.details
    assert set(details) == {"row_4", "row_5", "row_6", "row_7", "row_8"}
    assert "Thời hạn bảo quản không hợp lệ" in details["row_6"]
    assert "nguoi.la" in details["row_7"]
    assert "chữ viết tắt" in details["row_5"]
    assert db_session.query(FilePlan).count() == 0 and db_session.query(FilePlanEntry).count() == 0
    with pytest.raises(ValidationError) as refused:
        plan_import.import_plan(archive_office.clerk, 2026, b"not a workbook")
    assert refused.value.code == "file_plan_import_format"


def test_import_into_a_plan_with_content_needs_replace(archive_office, frozen_clock):
    plan, _, _ = build(archive_office)
    with pytest.raises(Conflict) as refused:
        plan_import.import_plan(archive_office.clerk, 2026, workbook(GOOD))
    assert refused.value.code == "file_plan_not_empty"
    plan_import.import_plan(archive_office.clerk, 2026, workbook(GOOD), replace=True)
    assert notations(plan) == ["01.TCCB", "02.TCCB", "03.VP"]


def test_the_printed_plan_has_the_appendix_layout_and_footer(archive_office, frozen_clock):
    archive_office.leader.position = "Chủ tịch"
    plan, _, _ = build(archive_office)
    draft = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(plan_print.to_pdf(plan, "x"))).pages
    )
    assert "(Kèm theo Quyết định số ……… ngày ……… của ………) — Dự thảo, chưa ban hành" in draft
    assert "chưa ban hành —" not in draft  # the agency's name heads the page; not again after "Dự thảo"
    plans.approve_plan(archive_office.leader, plan, decision_number="12/QĐ-UBND", decision_date=date(2026, 1, 5))
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(plan_print.to_pdf(plan, "x"))).pages
    )
    assert "DANH MỤC HỒ SƠ" in text and "Năm 2026" in text
    assert "Kèm theo Quyết định số 12/QĐ-UBND ngày 05/01/2026 của Chủ tịch Ủy ban nhân dân tỉnh Kiên Giang" in text
    assert "I. TỔ CHỨC CÁN BỘ" in text and "1. Tuyển dụng" in text and "II. VĂN PHÒNG" in text
    # Each main heading's code in column (1), as the workbook has it (in brackets after the name)
    assert "TCCB I. TỔ CHỨC CÁN BỘ" in text and "VP II. VĂN PHÒNG" in text
    assert "01.TCCB" in text and "05.VP" in text and "Võ Quốc Bảo" in text and "Phòng Tổng hợp" in text
    assert "Danh mục hồ sơ này có 5 hồ sơ, bao gồm: 1 hồ sơ bảo quản vĩnh viễn; 4 hồ sơ bảo quản có thời hạn." in text


def test_the_exported_workbook_imports_back(archive_office, frozen_clock):
    plan, _, _ = build(archive_office, numbering="heading")
    data = plan_print.to_xlsx(plan)
    sheet = load_workbook(io.BytesIO(data)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert ["01.VP", "Sổ đăng ký văn bản đến", "20 năm", "Phòng Tổng hợp", None] in [list(v) for v in values]
    assert any(v[0] and str(v[0]).startswith("Danh mục hồ sơ này có 5 hồ sơ") for v in values)
    again = plan_import.import_plan(archive_office.clerk, 2027, data)
    assert [r.label for r in plans.outline(again)] == [r.label for r in plans.outline(plan)]
    assert [plans.retention_of(e) for e in again.entries] == [plans.retention_of(e) for e in plan.entries]


def test_the_template_has_the_five_columns_and_imports_nothing_empty(archive_office, frozen_clock):
    data = plan_import.template()
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]] == plan_import.COLUMNS
    with pytest.raises(ValidationError) as refused:
        plan_import.import_plan(archive_office.clerk, 2026, data)
    assert refused.value.code == "file_plan_import_empty"


def test_a_position_ending_with_the_agency_s_first_word_shares_it():
    from app.dossiers.plan_print import title_of_agency

    assert title_of_agency("Giám đốc Sở", "Sở Tài chính tỉnh Kiên Giang") == "Giám đốc Sở Tài chính tỉnh Kiên Giang"
    assert title_of_agency("Chủ tịch", "Ủy ban nhân dân tỉnh") == "Chủ tịch Ủy ban nhân dân tỉnh"
    assert title_of_agency("người đứng đầu", "Sở Nội vụ") == "người đứng đầu Sở Nội vụ"

"""The printed forms: Mục lục hồ sơ nộp lưu (Phụ lục V.III), Biên bản giao nhận (V.V); numbers in words."""

import io

import pytest
from pypdf import PdfReader

from app.dossiers import archive_printing, transfer
from app.dossiers.archive_printing import number_in_words
from tests.dossiers.helpers_archive import closed_dossier


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "Một"),
        (10, "Mười"),
        (12, "Mười hai"),
        (15, "Mười lăm"),
        (21, "Hai mươi mốt"),
        (24, "Hai mươi tư"),
        (35, "Ba mươi lăm"),
        (105, "Một trăm lẻ năm"),
        (110, "Một trăm mười"),
        (1005, "Một nghìn không trăm lẻ năm"),
        (2000, "Hai nghìn"),
        (0, "Không"),
    ],
)
def test_number_in_words(n, words):
    assert number_in_words(n) == words


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_muc_luc_and_the_handover_record(archive_office):
    office = archive_office
    dossiers = [
        closed_dossier(office.spec_a1, notation=f"{n:02d}.TH", title=f"Hồ sơ hội nghị số {n}", content=bytes([n]))
        for n in range(1, 13)
    ]
    sent = transfer.submit(office.spec_a1, [d.id for d in dossiers], name="Tài liệu Phòng Tổng hợp năm 2026")
    transfer.accept(office.archivist, sent.id, sent.entries[0].id)
    muc_luc = text_of(archive_printing.muc_luc_pdf(sent))
    assert "MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU" in muc_luc and "Phòng Tổng hợp".upper() in muc_luc
    assert "Hồ sơ hội nghị số 12" in muc_luc and "10 năm" in muc_luc and "05/01/2026 - 30/06/2026" in muc_luc
    assert "Mục lục này gồm: 12 hồ sơ (đơn vị bảo quản)." in muc_luc
    assert "Viết bằng chữ: Mười hai hồ sơ" in muc_luc
    record = text_of(archive_printing.bien_ban_giao_nhan_pdf(sent))
    assert "BIÊN BẢN" in record and "Về việc giao nhận hồ sơ, tài liệu" in record
    assert "BÊN GIAO:" in record and "Phòng Tổng hợp" in record and office.spec_a1.full_name in record
    assert "BÊN NHẬN:" in record and "Lưu trữ cơ quan" in record
    assert "Tài liệu Phòng Tổng hợp năm 2026" in record
    assert "tổng số hồ sơ: 12; tổng số tệp tin: 12" in record
    assert "ĐẠI DIỆN BÊN GIAO" in record and "ĐẠI DIỆN BÊN NHẬN" in record


def test_the_agency_name_breaks_before_the_place_not_inside_it(archive_office):
    """NĐ 30/2020 Phụ lục I: the name may take two lines, centred, never cut inside a word or a place's name."""
    office = archive_office
    assert office.agency.name.upper() == "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG"
    dossier = closed_dossier(office.spec_a1)
    sent = transfer.submit(office.spec_a1, [dossier.id], name="Tài liệu năm 2026")
    for pdf in (archive_printing.muc_luc_pdf(sent), archive_printing.bien_ban_giao_nhan_pdf(sent)):
        lines = [line.strip() for line in text_of(pdf).splitlines()]
        assert lines[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH KIÊN GIANG"], lines[:4]
        assert not any(line.endswith(("TỈNH KIÊN", "KIÊN")) for line in lines)


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("Ủy ban nhân dân tỉnh Kiên Giang", ["ỦY BAN NHÂN DÂN", "TỈNH KIÊN GIANG"]),
        ("Ủy ban nhân dân thành phố Rạch Giá", ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ RẠCH GIÁ"]),
        ("Sở Nội vụ", ["SỞ NỘI VỤ"]),
        (
            "Ủy ban nhân dân xã Vĩnh Hòa Hiệp huyện Châu Thành tỉnh Kiên Giang",
            ["ỦY BAN NHÂN DÂN", "XÃ VĨNH HÒA HIỆP", "HUYỆN CHÂU THÀNH", "TỈNH KIÊN GIANG"],
        ),
    ],
)
def test_name_lines_keep_places_whole(name, lines):
    from reportlab.lib.units import mm

    from app.documents.fonts import FAMILY, name_lines, styles

    styles()  # registers the font
    assert name_lines(name, 80 * mm - 12, FAMILY, 12) == (lines, 12)


def test_a_name_too_long_for_its_lines_is_printed_smaller():
    from app.documents.fonts import FAMILY, name_lines, styles

    styles()
    lines, size = name_lines("Ủy ban nhân dân tỉnh Kiên Giang", 100, FAMILY, 12, max_lines=2)
    assert size < 12 and lines == ["ỦY BAN NHÂN DÂN", "TỈNH KIÊN GIANG"]

"""Folding Vietnamese for search; số, ký hiệu and mã định danh văn bản; urgency and secrecy."""

import unicodedata
from datetime import date

import pytest

from app.core.errors import ValidationError
from app.core.folding import fold_vietnamese, folded_search
from app.documents import queries
from app.documents.models import DocumentType, Secrecy, SecretDocumentRefused, Urgency, refuse_secret
from app.documents.symbols import document_key, format_code, format_number, format_symbol, notation


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Quyết định", "quyet dinh"),
        ("ĐỀ ÁN phát triển đô thị", "de an phat trien do thi"),
        ("Ủy ban nhân dân  tỉnh\tKiên Giang", "uy ban nhan dan tinh kien giang"),
        ("Giấy uỷ quyền", "giay uy quyen"),  # old-style tone placement folds the same
        ("Thượng khẩn, Hỏa tốc", "thuong khan, hoa toc"),
        ("Nước, Sở, Ưu tiên", "nuoc, so, uu tien"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_vietnamese(text, folded):
    assert fold_vietnamese(text) == folded


def test_decomposed_input_folds_like_composed():
    # Text pasted from Word or macOS often arrives decomposed (NFD).
    assert fold_vietnamese(unicodedata.normalize("NFD", "Quyết định")) == "quyet dinh"


def test_search_without_diacritics_finds_the_seeded_types(db_session):
    names = [t.name for t in queries.list_document_types(None, search="quyet dinh")]
    assert names == ["Quyết định (cá biệt)", "Quyết định (quy phạm pháp luật)"]
    assert [t.code for t in queries.list_document_types(None, search="ĐỀ ÁN")] == ["DEAN"]
    assert [t.code for t in queries.list_document_types(None, search="dinh quyet pháp")] == ["QD_QPPL"]
    assert queries.list_document_types(None, search="100%") == []  # LIKE wildcards typed by users are literal
    assert folded_search(DocumentType.name_folded, "   ") is None


def test_the_folded_column_follows_the_name(db_session):
    doc_type = DocumentType(code="X", name="Giấy đi đường")
    assert doc_type.name_folded == "giay di duong"
    doc_type.name = "Phiếu trình"
    assert doc_type.name_folded == "phieu trinh"


def test_numbers_get_a_leading_zero_below_ten():
    assert [format_number(n) for n in (1, 5, 9, 10, 123)] == ["01", "05", "09", "10", "123"]
    for bad in (0, -1, True, "5"):
        with pytest.raises(ValueError):
            format_number(bad)


def test_symbols_as_nd_30_prints_them():
    assert format_symbol(5, "QĐ-UBND") == "Số: 05/QĐ-UBND"
    assert format_symbol(15, "QĐ-BNV") == "Số: 15/QĐ-BNV"
    assert format_symbol("05", notation(None, "BNV", "VP")) == "Số: 05/BNV-VP"  # công văn: agency + unit
    assert format_symbol(30, "NĐ-CP", year=2020) == "Số: 30/2020/NĐ-CP"  # quy phạm pháp luật
    assert format_code(7, " QĐ - UBND ") == "07/QĐ-UBND"  # no spaces inside a ký hiệu
    assert notation("QĐ", "", "UBND") == "QĐ-UBND"
    with pytest.raises(ValueError):
        format_symbol(5, " ")


# NĐ 30 Phụ lục VI III.1.c
def test_document_key_is_the_qcvn_102_document_id():
    assert (
        document_key("000.00.00.G22", 7816, "VPCP-TTĐT", date(2015, 9, 30)) == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    )
    # The same document typed differently gives the same key: duplicate warnings can rely on it.
    assert (
        document_key(" 000.00.11.h53", "5", "STC-BCTC", date(2020, 10, 3))
        == document_key("000.00.11.H53", 5, "STC - BCTC", date(2020, 10, 3))
        == "000.00.11.H53,2020/10/03,05/STC-BCTC"
    )
    assert document_key("000.00.11.H53", "12a", "UBND-VP", date(2020, 1, 2)).endswith(",12a/UBND-VP")


# NĐ 30 Phụ lục VI III.1.d
def test_urgency_labels_and_edxml_priority():
    assert [(u.value, u.label, u.priority) for u in Urgency] == [
        ("thuong", "Thường", 0),
        ("khan", "Khẩn", 1),
        ("thuong_khan", "Thượng khẩn", 2),
        ("hoa_toc", "Hỏa tốc", 3),
    ]
    assert not Urgency.THUONG.is_urgent and Urgency.HOA_TOC.is_urgent


@pytest.mark.parametrize("level", [Secrecy.MAT, "toi_mat", Secrecy.TUYET_MAT])
def test_refuse_secret_document(level):
    with pytest.raises(SecretDocumentRefused) as refused:
        refuse_secret(level)
    assert refused.value.code == "secret_document_refused" and refused.value.status == 422
    assert Secrecy(level).label in refused.value.message and "bí mật nhà nước" in refused.value.message
    assert refused.value.details == {"secrecy": refused.value.message}


def test_documents_that_are_not_secret_pass_and_unknown_levels_are_invalid():
    for level in (None, "", "none", Secrecy.NONE):
        refuse_secret(level)
    assert [s.label for s in Secrecy] == ["Không mật", "Mật", "Tối mật", "Tuyệt mật"]
    with pytest.raises(ValidationError) as invalid:
        refuse_secret("mật")
    assert invalid.value.code == "invalid_secrecy"

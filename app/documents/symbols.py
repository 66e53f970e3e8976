"""Số, ký hiệu văn bản and the mã định danh văn bản, as NĐ 30/2020 and QCVN 102:2016 write them (legal.md §1.2, §4.6).

format_number(5)                          "05"
format_code(5, "QĐ-UBND")                 "05/QĐ-UBND"
format_symbol(5, "QĐ-UBND")               "Số: 05/QĐ-UBND"
format_symbol(30, "NĐ-CP", year=2020)     "Số: 30/2020/NĐ-CP"      (văn bản quy phạm pháp luật)
notation("QĐ", "UBND")                    "QĐ-UBND";  notation(None, "UBND", "VX") "UBND-VX" (công văn)
document_key("000.00.00.G22", 7816, "VPCP-TTĐT", date(2015, 9, 30))
                                          "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
"""

import re
import unicodedata
from datetime import date

from app.core.folding import fold_vietnamese

_SPACES = re.compile(r"\s+")


def format_number(number: int) -> str:
    """Phụ lục I, Phần I, II.3.c: "với những số nhỏ hơn 10 phải ghi thêm số 0 phía trước"."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"a document number is a positive integer, not {number!r}")
    return f"{number:02d}"


def _number_text(number: int | str) -> str:
    """A number as printed: integers and all-digit strings padded ("5" → "05"), other strings kept ("12a")."""
    if isinstance(number, str):
        text = _SPACES.sub("", unicodedata.normalize("NFC", number))
        if not text.isdigit():
            if not text:
                raise ValueError("empty document number")
            return text
        number = int(text)
    return format_number(number)


def _clean_notation(value: str) -> str:
    # Phụ lục I, II.3.c: "giữa các nhóm chữ viết tắt trong ký hiệu văn bản có dấu gạch nối (-), không cách chữ".
    text = _SPACES.sub("", unicodedata.normalize("NFC", value or ""))
    if not text:
        raise ValueError("empty notation")
    return text


def notation(*groups: str | None) -> str:
    """Join the abbreviation groups of a ký hiệu with hyphens, skipping empty ones.

    Typed documents: (type abbreviation, agency) → "QĐ-UBND". Công văn have no type abbreviation: (None, agency,
    drafting unit or field) → "UBND-VX" (Phụ lục I, Phần I, II.3.b).
    """
    return _clean_notation("-".join(g.strip() for g in groups if g and g.strip()))


def format_code(number: int | str, notation_text: str, *, year: int | None = None) -> str:
    """The "số/ký hiệu" string: "05/QĐ-UBND"; with `year` the legal normative form "30/2020/NĐ-CP"."""
    parts = [_number_text(number)]
    if year is not None:
        parts.append(str(year))
    parts.append(_clean_notation(notation_text))
    return "/".join(parts)


def format_symbol(number: int | str, notation_text: str, *, year: int | None = None) -> str:
    """The line under the agency name: "Số: 05/QĐ-UBND" (Phụ lục I, Phần I, II.3.c; official examples
    "Số: 15/QĐ-BNV", "Số: 05/BNV-VP")."""
    return f"Số: {format_code(number, notation_text, year=year)}"


def document_key(sender_code: str, number: int | str, notation_text: str, issued_date: date) -> str:
    """The mã định danh văn bản `{OrganId},{yyyy/MM/dd},{số}/{ký hiệu}` (QCVN 102 DocumentId, legal.md §4.6).

    Used for duplicate warnings (NĐ 30/2020 Phụ lục VI III.1.h): the same sender, date, number and notation is
    the same document. Parts are normalised (NFC, no spaces, the agency code in capitals, "5" → "05"); case of
    the notation is kept ("TTr-UBND"), so compare keys case-insensitively (`fold_vietnamese` or upper()).
    """
    sender = _SPACES.sub("", sender_code or "").upper()
    if not sender:
        raise ValueError("empty sender code")
    if not isinstance(issued_date, date):
        raise ValueError(f"issued_date must be a date, not {issued_date!r}")
    return f"{sender},{issued_date:%Y/%m/%d},{format_code(number, notation_text)}"


_GROUP = re.compile(r"^[^\W_]+$")  # one abbreviation group: letters (Đ, y in "QyĐ" …) and digits, nothing else


def _same(a: str | None, b: str | None) -> bool:
    fold = lambda text: unicodedata.normalize("NFC", text).casefold()  # noqa: E731
    return bool(a) and bool(b) and fold(a) == fold(b)


def notation_problem(
    notation_text: str,
    *,
    type_name: str,
    type_abbreviation: str | None,
    normative: bool,
    agency_abbreviation: str | None,
) -> str | None:
    """Why a typed ký hiệu does not fit its document type's shape (None when it fits), in Vietnamese for a field.

    NĐ 30/2020 Phụ lục I, Phần I, II.3.b–c: the groups are abbreviations joined by "-" without spaces; a typed
    document starts with its type's abbreviation (Phụ lục III) then the issuing agency ("QĐ-UBND"); a Công văn
    (no type abbreviation) is the agency then the drafting unit or field ("UBND-VP"). A văn bản quy phạm pháp luật
    follows the Luật Ban hành VBQPPL (legal.md §1.3): its type's abbreviation then the issuing body ("NĐ-CP",
    "QĐ-UBND"); Luật and Pháp lệnh (no abbreviation) only need well-formed groups ("QH15").
    """
    groups = (notation_text or "").split("-")
    agency = agency_abbreviation or "<cơ quan>"
    if type_abbreviation:
        expected = f"{type_abbreviation}-{agency if not normative else '<cơ quan ban hành>'}"
        example = f"{type_abbreviation}-{agency}"
    elif normative:
        expected = example = "các nhóm chữ viết tắt nối bằng dấu gạch nối, ví dụ QH15"
    else:
        expected, example = f"{agency}-<đơn vị soạn thảo>", f"{agency}-VP"
    shape = f"Ký hiệu của {type_name} phải có dạng {expected} (ví dụ {example}; NĐ 30/2020 Phụ lục I, Phần I, II.3.b)."
    if not all(_GROUP.match(group) for group in groups):
        return "Ký hiệu gồm các nhóm chữ viết tắt nối bằng dấu gạch nối (-), không dấu cách, không ký tự khác. " + shape
    if type_abbreviation:
        if len(groups) < 2 or not _same(groups[0], type_abbreviation):
            return shape
        if not normative and not _same(groups[1], agency_abbreviation):
            return shape
    elif not normative and (len(groups) < 2 or not _same(groups[0], agency_abbreviation)):
        return shape
    return None


# --- comparing for duplicates (NĐ 30/2020 Phụ lục VI III.1.h) -----------------------------------------------

_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# Words agencies' names are written both in full and abbreviated (Phụ lục I: "UBND", "HĐND"; "TP." for thành phố).
_NAME_ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "tp": "thanh pho",
    "tx": "thi xa",
    "tt": "thi tran",
}


def normalized_number(number: str | None) -> str:
    """The số as compared: no spaces, capitals, leading zeros dropped ("05" and "5" are one number; "12a" → "12A")."""
    text = _SPACES.sub("", unicodedata.normalize("NFC", number or "")).upper()
    stripped = text.lstrip("0")
    return stripped or ("0" if text else "")


def normalized_notation(notation_text: str | None) -> str:
    """The ký hiệu as compared: no spaces, one kind of hyphen, diacritics and case folded ("QĐ-UBND" = "qd - ubnd")."""
    text = unicodedata.normalize("NFC", notation_text or "").translate(_DASHES)
    return _SPACES.sub("", fold_vietnamese(text)).upper()


def normalized_code(number: str | None, notation_text: str | None) -> str | None:
    """ "5/QĐ-UBND", "05/qd-ubnd" and "005 / QĐ – UBND" compare equal; None without a number or a notation."""
    num, nota = normalized_number(number), normalized_notation(notation_text)
    return f"{num}/{nota}" if num and nota else None


def normalized_key(key: str | None) -> str | None:
    """A mã định danh as compared: the same folding as its parts (the number inside is padded by document_key)."""
    return _SPACES.sub("", fold_vietnamese((key or "").translate(_DASHES))).upper() or None


def normalized_agency_name(name: str | None) -> str:
    """An agency's name as compared: diacritics, case, punctuation and spacing folded, common abbreviations spelled
    out — "UBND tỉnh Kiên Giang", "Ủy ban nhân dân tỉnh Kiên Giang" and "UỶ BAN NHÂN DÂN  TỈNH KIÊN GIANG" agree."""
    text = " ".join(_NOT_WORD.sub(" ", fold_vietnamese(name)).split())
    for short, full in _NAME_ABBREVIATIONS.items():
        text = re.sub(rf"\b{short}\b", full, text)
    return text


def sample_code(agency_abbreviation: str, type_abbreviation: str | None, *, normative: bool, year: int) -> str:
    """How the register numbers a document type, as the registers page shows it: "01/QĐ-UBND", "01/2026/NQ-HĐND";
    a công văn (no type abbreviation) takes the drafting unit's abbreviation, shown as "…" (Phụ lục I, II.3.b)."""
    if type_abbreviation:
        return format_code(1, notation(type_abbreviation, agency_abbreviation), year=year if normative else None)
    return f"01/{notation(None, agency_abbreviation)}-…"

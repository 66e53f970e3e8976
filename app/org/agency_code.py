"""Validation of the mã định danh điện tử of agencies.

Two forms are in use (legal.md §4.1):
- QCVN 102:2016/BTTTT: `000.00.00.H29`, 13 characters, read right to left: level 1 (letter + 2 digits),
  level 2 (2 digits), level 3 (2 digits), level 4 (3 digits); zeros mean the level is unused. Still what
  deployed edXML systems exchange (NĐ 30/2020 Phụ lục VI sets OrganId to String(13)).
- QĐ 20/2020/QĐ-TTg (the form QCVN 102 SĐ1:2022 refers to): at most 35 characters of 0-9, A-Z and dots,
  groups separated by dots and developed left to right from level 1, e.g. `H29.15.3`.
Level-1 codes start with the group letters of QĐ 20/2020 (+ QĐ 09/2025): A Đảng … K HĐND tỉnh.
"""

import re

MAX_LENGTH = 35
LEVEL1_LETTERS = "ABCDEFGHIJK"
_LEVEL1 = rf"[{LEVEL1_LETTERS}]\d{{2}}"
QCVN_102_FORM = re.compile(rf"^\d{{3}}\.\d{{2}}\.\d{{2}}\.{_LEVEL1}$")
QD_20_FORM = re.compile(rf"^{_LEVEL1}(\.[0-9A-Z]+)*$")


def normalize_agency_code(value: str) -> str:
    """Trim and upper-case: codes are written in capitals (QĐ 20/2020 Điều 4)."""
    return (value or "").strip().upper()


def agency_code_problem(value: str) -> str | None:
    """Return why `value` is not a valid mã định danh, in Vietnamese, or None when it is valid."""
    code = normalize_agency_code(value)
    if not code:
        return "Mã định danh không được để trống."
    if len(code) > MAX_LENGTH:
        return f"Mã định danh dài tối đa {MAX_LENGTH} ký tự."
    if not re.fullmatch(r"[0-9A-Z.]+", code):
        return "Mã định danh chỉ gồm chữ số, chữ cái in hoa không dấu (A–Z) và dấu chấm."
    if QCVN_102_FORM.match(code) or QD_20_FORM.match(code):
        return None
    if code[0].isdigit():
        return "Mã theo QCVN 102:2016 phải có dạng 000.00.00.X99 (ví dụ 000.00.00.H29)."
    return (
        "Mã theo QĐ 20/2020/QĐ-TTg phải bắt đầu bằng mã cấp 1 (chữ A–K và 2 chữ số, ví dụ H29), "
        "các nhóm ký tự cách nhau bởi một dấu chấm."
    )


def is_valid_agency_code(value: str) -> bool:
    return agency_code_problem(value) is None


_QCVN_LEVEL1_ONLY = re.compile(rf"^000\.00\.00\.({_LEVEL1})$")
_LEVEL1_ONLY = re.compile(rf"^{_LEVEL1}$")


def equivalent_codes(value: str) -> set[str]:
    """The other spellings of the same agency: a QCVN 102:2016 code whose levels 2–4 are all zero
    (`000.00.00.H29`) is the level-1 code `H29` of QĐ 20/2020 (legal.md §4.1). Nothing for lower levels: the
    two forms order them differently (right to left vs left to right), so no mapping is safe."""
    code = normalize_agency_code(value)
    match = _QCVN_LEVEL1_ONLY.match(code)
    if match:
        return {match.group(1)}
    if _LEVEL1_ONLY.match(code):
        return {f"000.00.00.{code}"}
    return set()

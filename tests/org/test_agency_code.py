import pytest

from app.org.agency_code import agency_code_problem, equivalent_codes, is_valid_agency_code


@pytest.mark.parametrize(
    "code",
    [
        "000.00.00.H29",  # QCVN 102:2016: UBND TP Hồ Chí Minh
        "000.00.11.H53",  # a Sở of Tây Ninh
        "000.00.01.A53",  # Văn phòng Tỉnh ủy Tây Ninh
        "000.00.00.G22",  # Văn phòng Chính phủ
        "H55.242",  # QĐ 20/2020, left to right
        "G09.01",
        "H29",
        "K33.1.2.AB3",
        "h33.15",  # written in lower case: normalised to capitals
        " 000.00.00.H33 ",
        "H01." + ".".join(["12345"] * 5) + ".1",  # 35 characters
    ],
)
def test_valid_codes_of_both_forms(code):
    assert is_valid_agency_code(code), agency_code_problem(code)


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "trống"),
        ("000.00.00.H2", "QCVN 102"),  # level 1 needs two digits
        ("00.00.00.H29", "QCVN 102"),
        ("000.00.00.Z29", "QCVN 102"),  # no such level-1 group
        ("000-00-00-H29", "chỉ gồm"),
        ("H29..01", "QĐ 20/2020"),
        ("H29.", "QĐ 20/2020"),
        (".H29", "chỉ gồm") if False else (".H29", "QĐ 20/2020"),
        ("X29.01", "QĐ 20/2020"),
        ("HH9.01", "QĐ 20/2020"),
        ("H29.Đ1", "chỉ gồm"),  # Vietnamese letters are not allowed
        ("H01." + "1" * 32, "35"),  # 36 characters
    ],
)
def test_invalid_codes_are_refused_with_a_reason(code, fragment):
    problem = agency_code_problem(code)
    assert problem is not None
    assert fragment in problem


@pytest.mark.parametrize(
    ("code", "same"),
    [
        ("000.00.00.G12", {"G12"}),
        (" g12 ", {"000.00.00.G12"}),
        ("000.00.01.G12", set()),  # lower levels: the two forms order them differently, no mapping
        ("G12.01", set()),
        ("", set()),
    ],
)
def test_equivalent_codes_only_map_level_one(code, same):
    assert equivalent_codes(code) == same

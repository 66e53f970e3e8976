"""Numbers as people read them: a decimal comma."""

from app.core.numbers import decimal


def test_a_decimal_comma_and_a_trimmed_zero():
    assert decimal(95.44) == "95,4" and decimal(100) == "100,0" and decimal(1.5, 2) == "1,50"
    assert decimal(3.0, trim=True) == "3" and decimal(3.25, trim=True) == "3,2"

import pytest

from app.core.errors import ValidationError
from app.sla.spec import SpecKind, parse_spec, spec_problem


@pytest.mark.parametrize(
    ("text", "kind", "normalized"),
    [
        ("PT2H", SpecKind.WORKING_TIME, "PT2H"),
        ("PT90M", SpecKind.WORKING_TIME, "PT1H30M"),
        (" pt1h30m ", SpecKind.WORKING_TIME, "PT1H30M"),
        ("PT45M", SpecKind.WORKING_TIME, "PT45M"),
        ("P3D", SpecKind.WORKING_DAYS, "P3D"),
        ("next-working-day", SpecKind.NEXT_WORKING_DAY, "next-working-day"),
        ("NEXT_MORNING", SpecKind.NEXT_MORNING, "next-morning"),
    ],
)
def test_valid_specs_are_parsed_and_normalized(text, kind, normalized):
    spec = parse_spec(text)
    assert spec.kind is kind and spec.normalized == normalized
    assert spec_problem(text) is None


@pytest.mark.parametrize(
    "text", ["", "  ", "P", "PT", "2h", "P1W", "PT1.5H", "PT1M30H", "P0D", "PT0H", "P400D", "PT3000H", "tomorrow"]
)
def test_bad_specs_are_refused_with_code_invalid_sla(text):
    with pytest.raises(ValidationError) as caught:
        parse_spec(text)
    assert caught.value.code == "invalid_sla" and caught.value.status == 422
    assert caught.value.details == {"spec": caught.value.message}
    assert spec_problem(text) == caught.value.message


def test_days_and_hours_together_are_refused_with_an_explanation():
    problem = spec_problem("P1DT4H")
    assert problem is not None and "kết hợp ngày với giờ" in problem


def test_message_is_vietnamese_and_lists_the_valid_forms():
    problem = spec_problem("3 ngày")
    assert "không hợp lệ" in problem
    assert all(form in problem for form in ("PTnHnM", "PnD", "next-working-day", "next-morning"))

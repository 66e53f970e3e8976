from datetime import date

import pytest

from app.sla import services


@pytest.fixture
def run(app, db_session):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["sla", *args])


def test_due_prints_iso_8601_in_viet_nam_time(run):
    result = run("due", "2026-11-23T08:00", "PT1H")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2026-11-23T09:00:00+07:00\n"


def test_start_with_an_offset_is_converted(run):
    assert run("due", "2026-11-23T01:00:00Z", "PT1H").stdout == "2026-11-23T09:00:00+07:00\n"
    assert run("due", "2026-11-23T16:30:00+07:00", "next-morning").stdout == "2026-11-25T11:30:00+07:00\n"


def test_agency_option_uses_that_agency_calendar(run, create_agency):
    agency = create_agency(code="000.00.31.H33")
    services.update_hours(None, agency.id, sessions=[{"start": "08:00", "end": "12:00"}])
    assert run("due", "2026-11-23T06:00", "PT1H", "--agency", "000.00.31.H33").stdout == "2026-11-23T09:00:00+07:00\n"
    assert run("due", "2026-11-23T06:00", "PT1H").stdout == "2026-11-23T08:30:00+07:00\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("due", "2026-11-23T08:00", "PT1X"), "Thời hạn “PT1X” không hợp lệ"),
        (("due", "23/11/2026 08:00", "PT1H"), "Thời điểm “23/11/2026 08:00” không hợp lệ"),
        (("due", "2026-11-23T08:00", "PT1H", "--agency", "000.00.99.H99"), "không có cơ quan"),
        (("holidays", "2026", "--agency", "000.00.99.H99"), "không có cơ quan"),
    ],
)
def test_bad_input_exits_with_code_2_and_a_message(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


def test_holidays_lists_tet_and_overrides(run, frozen_clock):
    services.add_override(None, None, day=date(2027, 2, 3), kind="off", note="Nghỉ Tết thêm")
    lines = run("holidays", "2027").stdout.splitlines()
    assert "2027-02-03  Thứ Tư    nghỉ      Nghỉ Tết thêm [điều chỉnh chung]" in lines
    assert "2027-02-06  Thứ Bảy   nghỉ      Tết Nguyên Đán [lễ]" in lines
    assert lines[0].startswith("2027-01-01") and len(lines) == 16

"""`qlvb sla …`: compute a deadline, list a year's non-working days, from the command line."""

import click
from flask.cli import with_appcontext

from app.core import clock
from app.core.errors import DomainError
from app.sla.hours import WEEKDAY_LABELS

USAGE_ERROR = 2  # like click's own usage errors: the input was wrong, nothing ran


def _fail(message: str):
    click.echo(f"Lỗi: {message}", err=True)
    raise click.exceptions.Exit(USAGE_ERROR)


def _agency_id(code: str | None) -> int | None:
    if not code:
        return None
    from app.org.queries import find_agency_by_code

    agency = find_agency_by_code(code)
    if agency is None:
        _fail(f"không có cơ quan mã định danh “{code}”.")
    return agency.id


@click.group("sla")
def sla_group():
    """Lịch làm việc và hạn xử lý."""


@sla_group.command("due")
@click.argument("start")
@click.argument("spec")
@click.option("--agency", "agency_code", metavar="CODE", help="Mã định danh cơ quan (mặc định: lịch mặc định).")
@with_appcontext
def due_command(start: str, spec: str, agency_code: str | None):
    """Tính hạn xử lý: START (ISO 8601; không có múi giờ thì hiểu là giờ Việt Nam) cộng SPEC.

    SPEC: PTnHnM (giờ làm việc), PnD (ngày làm việc), next-working-day, next-morning.
    Ví dụ: qlvb sla due 2026-11-23T08:00 PT1H  →  2026-11-23T09:00:00+07:00
    """
    from app.sla import calendar

    agency_id = _agency_id(agency_code)
    try:
        instant = calendar.parse_instant(start)
        result = calendar.due(instant, spec, agency_id)
    except DomainError as exc:
        _fail(exc.message)
    click.echo(clock.to_local(result).isoformat())


@sla_group.command("holidays")
@click.argument("year", type=click.IntRange(1995, 2100))
@click.option("--agency", "agency_code", metavar="CODE", help="Mã định danh cơ quan (mặc định: lịch mặc định).")
@with_appcontext
def holidays_command(year: int, agency_code: str | None):
    """Liệt kê ngày nghỉ lễ, ngày nghỉ/làm bù do quản trị điều chỉnh trong năm YEAR."""
    from app.sla import calendar

    sources = {"holiday": "lễ", "default": "điều chỉnh chung", "agency": "điều chỉnh của cơ quan"}
    for entry in calendar.special_days(year, _agency_id(agency_code)):
        state = "làm việc" if entry.is_working else "nghỉ"
        click.echo(
            f"{entry.day.isoformat()}  {WEEKDAY_LABELS[entry.day.isoweekday()]:<8}  {state:<8}  "
            f"{entry.label} [{sources[entry.source]}]"
        )

"""The SLA what-if: each completion's deadline recomputed under another SLA (tests/designer/heatmap_history).

check_document completions (working minutes; stored deadline PT2H): c1 30, c2 60, c3 90, c4 180 (late), c5 120 (at
its deadline, Mon 08:30 thanks to Friday off), c8 120 (completed 18:00 after a 17:00 deadline: late), c9 390 (late),
c10 urgent 210 (Khẩn: PT4H working, due 14:00, done 12:00).
"""

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import NotFound, ValidationError
from app.designer import periods, whatif
from app.sla import services as sla
from app.sla.models import CalendarOverride
from tests.designer.heatmap_history import history_fixture  # noqa: F401  (the `history` fixture)


def run(history, sla, task="check_document", urgent_sla=None):
    return whatif.what_if(
        history.office.agency.id, "incoming", task, sla, periods.default_period(), urgent_sla=urgent_sla
    )


def test_the_current_sla_gives_the_current_count(history):
    # PT2H: c4, c9 counted in SQL; c5 (on time) and c8 (late) stored exactly 120 and are computed; c10 urgent: the
    # earlier of PT2H (10:00) and Khẩn PT4H (14:00), i.e. 120 working minutes: 210 is late (counted in SQL).
    result = run(history, "PT2H")
    assert (result.total, result.overdue_now, result.overdue_new, result.computed) == (8, 3, 4, 2)
    assert result.sentence == "Trong kỳ, 4/8 việc (50,0%) sẽ quá hạn với thời hạn mới, so với 3/8 hiện nay."
    # The rule name gives the same (intake = PT2H by default).
    assert run(history, "intake").overdue_new == 4


def test_a_shorter_sla(history):
    # PT1H: 90, 120, 120, 180, 390 exceed 60 (5); c2 took exactly 60 (computed: done at 09:00, due 09:00, in time);
    # c10 due 09:00, late.
    result = run(history, "PT1H")
    assert (result.overdue_new, result.computed, result.rate_new) == (6, 1, 75.0)


def test_a_longer_sla(history):
    # PT6H = 360: only c9 (390); c10: min(16:00, 14:00), completed 12:00, in time.
    assert run(history, "pt6h").overdue_new == 1


def test_working_days_follow_the_calendar(history):
    # P1D: the end of the next working day. c9 created Thursday is due Monday 17:00 because Friday is off, so its
    # Monday 08:00 completion is in time (without the day off it would be due Friday and late). c10: min(Tue 17:00,
    # Mon 14:00), in time. Nothing late.
    result = run(history, "P1D")
    assert (result.overdue_new, result.computed) == (0, 5)  # one deadline per creation day (16, 17, 18, 19/11), c10
    # next-morning: c5 and c9 created Thursday are due Monday 11:30: in time.
    assert run(history, "next-morning").overdue_new == 0


def test_the_day_off_matters(history):
    override = db.session.scalar(sa.select(CalendarOverride))
    sla.remove_override(None, override.id)
    # With Friday worked, c5 and c9 (created Thursday) are due Friday 17:00 under P1D, and completed Monday: late.
    assert run(history, "P1D").overdue_new == 2
    # Under PT2H c5 (Thu 16:00 + 2 h) is due Friday 08:30, completed Monday: late too (its stored minutes still say
    # 120, so the exact computation decides).
    assert run(history, "PT2H").overdue_new == 5


def test_refusals(history):
    with pytest.raises(ValidationError) as bad:
        run(history, "P1DT2H")
    assert bad.value.code == "invalid_sla"
    with pytest.raises(ValidationError) as rule:
        run(history, "urgent")
    assert rule.value.code == "invalid_sla"
    with pytest.raises(ValidationError) as reversed_period:
        whatif.what_if(
            history.office.agency.id,
            "incoming",
            "check_document",
            "PT1H",
            periods.period_from("2026-11-30", "2026-11-01"),
        )
    assert reversed_period.value.code == "period_reversed"
    with pytest.raises(NotFound) as missing:
        run(history, "PT2H", task="old_step")
    assert missing.value.code == "task_not_found"


def test_nothing_completed(history):
    result = run(history, "PT1H", task="direct_handling")
    assert (result.total, result.overdue_new, result.rate_new) == (0, 0, None)
    assert result.sentence == "Trong kỳ chưa có việc nào của bước này hoàn thành."


def test_urgent_cases_follow_the_urgent_deadline_which_may_be_typed_too(history):
    # c10 is urgent (created Mon 08:00, completed 12:00): under PT6H it is measured against min(16:00, Khẩn PT4H
    # 14:00), in time; a typed urgent SLA of PT2H (due 10:00) makes it late, whatever the ordinary SLA.
    as_drawn = run(history, "PT6H")
    assert (as_drawn.overdue_new, as_drawn.urgent_total, as_drawn.urgent_sla) == (1, 1, "urgent")
    assert as_drawn.urgent_note.startswith(
        "Việc khẩn (K) — 1 trong 8 việc — vẫn tính theo hạn khẩn: thời hạn khẩn “urgent”"
    )
    assert "trên sơ đồ" in as_drawn.urgent_note
    typed = run(history, "PT6H", urgent_sla="PT2H")
    assert (typed.overdue_new, typed.urgent_sla, typed.urgent_sla_typed) == (2, "PT2H", True)
    assert "“PT2H” vừa nhập" in typed.urgent_note
    assert run(history, "PT6H", urgent_sla=" ").overdue_new == 1  # blank: as on the diagram
    with pytest.raises(ValidationError) as bad:
        run(history, "PT6H", urgent_sla="hai giờ")
    assert bad.value.code == "invalid_urgent_sla"
    assert run(history, "PT1H", task="direct_handling").urgent_note == ""  # nothing urgent, nothing to say

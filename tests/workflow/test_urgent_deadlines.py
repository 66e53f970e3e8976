"""Deadlines of real BPMN steps from the agency's settings: urgency levels in clock or working time, named rules.

The process is tests/workflow/data/doc_review.bpmn with its first steps naming rules, as processes/incoming.bpmn
does: `register_document` has `sla: intake`, `urgent_sla: urgent`; `direct_handling` `urgent_sla: urgent`.
"""

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.core.clock import LOCAL_TZ
from app.core.db import db
from app.sla import settings
from app.workflow import services as wf
from app.workflow.models import InstanceStatus, ProcessVersion
from app.workflow.validation import validate_bpmn
from tests.workflow.conftest import DATA, bpmn_text, open_tasks


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


FRIDAY_16 = local(2026, 11, 27, 16, 0)  # an hour before closing, a weekend ahead
WEDNESDAY_20 = local(2026, 11, 25, 20, 0)  # an evening
MONDAY_9 = local(2026, 11, 23, 9, 0)


def with_rules(xml: str) -> str:
    xml = xml.replace(
        '<spiffworkflow:property name="sla" value="PT2H"/>',
        '<spiffworkflow:property name="sla" value="intake"/><spiffworkflow:property name="urgent_sla" value="urgent"/>',
    )
    return xml.replace(
        '<spiffworkflow:property name="urgent_sla" value="PT1H"/>',
        '<spiffworkflow:property name="urgent_sla" value="urgent"/>',
    )


@pytest.fixture
def ruled(deploy_process, office, frozen_clock):
    deploy_process("doc_review", xml=with_rules(bpmn_text("doc_review")))
    return office


def start(office, urgency: str | None = None):
    data = {"urgency": urgency} if urgency else {}
    return wf.start_process(
        office.clerk, "doc_review", title="Công điện về phòng, chống bão số 5", urgent=bool(urgency), data=data
    )


def first_due(office, urgency: str | None = None) -> datetime:
    [task] = open_tasks(start(office, urgency))
    return task.due_at


# NĐ 30/2020 Điều 4.2.c, 23.1: văn bản khẩn are registered, presented and handed over at once ("ngay").
# NĐ 30 Phụ lục VI III.1.m: each step's deadline, so that handling is followed up on time.
def test_each_urgency_counts_as_its_default_setting_says_across_a_weekend(ruled, frozen_clock):
    frozen_clock.set(FRIDAY_16)
    # Ordinary: 2 working hours (seed 001 QĐ 278 Điều 3.3): 16:00–17:00 on Friday, 07:30–08:30 on Monday.
    assert first_due(ruled) == local(2026, 11, 30, 8, 30)
    # Hỏa tốc and Thượng khẩn count the clock: the weekend does not wait.
    assert first_due(ruled, "hoa_toc") == local(2026, 11, 27, 17, 0)
    assert first_due(ruled, "thuong_khan") == local(2026, 11, 27, 18, 0)
    # Khẩn counts working time (4 h: Monday 10:30), but never later than an ordinary document (Monday 08:30).
    assert first_due(ruled, "khan") == local(2026, 11, 30, 8, 30)


# NĐ 30/2020 Điều 4.2.c, 23.1: urgent at once, also in the evening.
def test_an_evening_arrival_is_due_the_same_evening_when_counted_on_the_clock(ruled, frozen_clock):
    frozen_clock.set(WEDNESDAY_20)
    assert first_due(ruled) == local(2026, 11, 26, 9, 30)
    assert first_due(ruled, "hoa_toc") == local(2026, 11, 25, 21, 0)
    assert first_due(ruled, "khan") == local(2026, 11, 26, 9, 30)


# NĐ 30/2020 Điều 23.1: a Khẩn document is presented at once, not by the end of the next working day.
def test_khan_counts_working_time_on_a_step_whose_ordinary_deadline_is_longer(ruled, frozen_clock):
    frozen_clock.set(FRIDAY_16)
    instance = start(ruled, "khan")
    [register] = open_tasks(instance)
    wf.complete_task(ruled.clerk, register.id, {"so_den": 5, "trich_yeu": "Khẩn: báo cáo thiệt hại"})
    [direct] = open_tasks(instance)
    # urgent_sla: urgent → Khẩn PT4H working time: Friday 16:00–17:00, Monday 07:30–10:30 (ordinary: Monday 17:00).
    assert direct.urgency == "urgent" and direct.due_at == local(2026, 11, 30, 10, 30)


# NĐ 30/2020 Điều 4.2.c: the agency chooses clock or working time per urgency level.
def test_an_agency_that_counts_hoa_toc_in_working_time(ruled, frozen_clock):
    frozen_clock.set(FRIDAY_16)
    settings.update_settings(None, ruled.agency.id, urgency={"hoa_toc": {"basis": "working", "duration": "PT2H"}})
    assert first_due(ruled, "hoa_toc") == local(2026, 11, 30, 8, 30)
    settings.update_settings(None, ruled.agency.id, urgency={"hoa_toc": {"basis": "calendar"}})
    assert first_due(ruled, "hoa_toc") == local(2026, 11, 27, 18, 0)


# seed 001 QĐ 278 Điều 3.3: the agency sets the intake rule; the process is not redeployed.
# NĐ 30 Phụ lục VI III.1.m: deadlines as the agency's working regulation sets them (Điều 24.2).
def test_changing_the_intake_rule_changes_the_next_tasks_deadline_without_redeploying(ruled, frozen_clock):
    frozen_clock.set(MONDAY_9)
    before = start(ruled)
    [first] = open_tasks(before)
    assert first.due_at == local(2026, 11, 23, 11, 0)
    settings.update_settings(None, ruled.agency.id, rules_values={"intake": "PT1H"})
    [second] = open_tasks(start(ruled))
    assert second.due_at == local(2026, 11, 23, 10, 0)
    assert first.due_at == local(2026, 11, 23, 11, 0)  # a task already created keeps its deadline
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProcessVersion)) == 1


def test_another_agencys_settings_do_not_apply(ruled, frozen_clock, create_agency):
    frozen_clock.set(MONDAY_9)
    settings.update_settings(None, create_agency().id, rules_values={"intake": "PT30M"})
    assert first_due(ruled) == local(2026, 11, 23, 11, 0)


# NĐ 30 Phụ lục VI III.1.d: the urgency shown on a task is the document's current one.
def test_a_case_corrected_to_thuong_in_its_data_is_no_longer_urgent(ruled, frozen_clock):
    frozen_clock.set(FRIDAY_16)
    instance = wf.start_process(ruled.clerk, "doc_review", title="Văn bản", urgent=True, data={"urgency": "thuong"})
    [task] = open_tasks(instance)
    assert task.urgency == "normal" and task.due_at == local(2026, 11, 30, 8, 30)


# --- deploy validation ----------------------------------------------------------------------------------------


def problems(xml: str) -> list[str]:
    from app.workflow.forms import load_form_file

    return [str(p) for p in validate_bpmn(xml, "x.bpmn", lambda key: load_form_file(key, DATA / "forms"))]


def test_validation_accepts_known_rule_names_and_durations():
    assert problems(with_rules(bpmn_text("doc_review"))) == []


def test_validation_names_an_unknown_rule_and_where_urgent_may_be_used():
    xml = bpmn_text("doc_review").replace('name="sla" value="PT2H"', 'name="sla" value="intak"')
    [problem] = problems(xml)
    assert problem.startswith("x.bpmn:register_document:") and "không có quy tắc thời hạn “intak”" in problem
    assert "intake" in problem  # the known names are listed
    xml = bpmn_text("doc_review").replace('name="sla" value="PT2H"', 'name="sla" value="urgent"')
    [problem] = problems(xml)
    assert "chỉ dùng cho thuộc tính urgent_sla" in problem
    xml = bpmn_text("doc_review").replace('name="urgent_sla" value="PT1H"', 'name="urgent_sla" value="at-once"')
    [problem] = problems(xml)
    assert problem.startswith("x.bpmn:direct_handling:") and "“at-once”" in problem


def test_the_command_line_validates_the_default_processes_with_their_rules(app):
    from app.config import PROJECT_ROOT

    runner = app.test_cli_runner()
    files = [str(PROJECT_ROOT / "processes" / name) for name in ("incoming.bpmn", "outgoing.bpmn")]
    result = runner.invoke(args=["processes", "validate", *files])
    assert result.exit_code == 0, result.output
    incoming = (PROJECT_ROOT / "processes" / "incoming.bpmn").read_text(encoding="utf-8")
    assert 'name="sla" value="intake"' in incoming and 'name="urgent_sla" value="urgent"' in incoming


# seed 001 QĐ 278 Điều 3.3: a working-time timer may name the agency's rule too.
def test_a_timer_names_the_intake_rule_and_takes_the_agencys_value(deploy_process, office, frozen_clock):
    xml = bpmn_text("timer_case").replace('working_due("PT2H")', 'working_due("intake")')
    deploy_process("timer_case", xml=xml)
    settings.update_settings(None, office.agency.id, rules_values={"intake": "PT3H"})
    frozen_clock.set(FRIDAY_16)
    instance = wf.start_process(office.spec_a1, "timer_case", title="Chờ giờ làm việc")
    [handle] = open_tasks(instance)
    wf.complete_task(office.spec_a1, handle.id, {})
    # 1 h on Friday + 2 h on Monday morning (07:30 → 09:30).
    assert instance.next_timer_at == local(2026, 11, 30, 9, 30)
    assert instance.status == InstanceStatus.WAITING

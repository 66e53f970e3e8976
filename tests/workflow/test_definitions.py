"""Deploy validation (one bad file per rule), immutable versions, agency versions, the validate CLI."""

import pytest

from app.core import clock
from app.core.errors import PermissionDenied, ValidationError
from app.sla.calendar import due
from app.workflow import services as wf
from app.workflow.definitions import deploy, newest_version
from app.workflow.validation import validate_bpmn
from tests.workflow.conftest import DATA, bpmn_text, forms_for, open_tasks

GOOD = bpmn_text("doc_review")


def problems_of(xml: str) -> list[str]:
    from app.workflow.forms import load_form_file

    return [str(p) for p in validate_bpmn(xml, "bad.bpmn", lambda key: load_form_file(key, DATA / "forms"))]


def test_good_file_has_no_problems():
    assert problems_of(GOOD) == []


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda x: x.replace("</bpmn:process>", "</bpmn:proces>"), "bad.bpmn:line"),
        (
            lambda x: x.replace('isExecutable="true"', 'isExecutable="false"'),
            "bad.bpmn:definitions: không có quy trình",
        ),
        (
            lambda x: x.replace('<spiffworkflow:property name="form" value="register_document"/>', ""),
            "bad.bpmn:register_document: công việc chưa gắn biểu mẫu",
        ),
        (
            lambda x: x.replace('value="direct_handling"', 'value="khong_co"'),
            "bad.bpmn:direct_handling: không tìm thấy biểu mẫu “doc_review/khong_co”",
        ),
        (
            lambda x: x.replace('serviceTaskOperator id="record_note"', 'serviceTaskOperator id="gui_thu_bay"'),
            "bad.bpmn:note_done: thao tác “gui_thu_bay” không có",
        ),
        (
            lambda x: x.replace('name="chuyen_vien"', 'name="Thư ký"'),
            "bad.bpmn:lane_specialist: làn “Thư ký” không phải",
        ),
        (lambda x: x.replace('value="PT2H"', 'value="2 tiếng"'), "bad.bpmn:register_document: thời hạn “sla=2 tiếng”"),
        (
            lambda x: x.replace('outcome == "giao_xu_ly"', 'outcome === "giao_xu_ly"'),
            "bad.bpmn:f_assign: điều kiện có lỗi cú pháp",
        ),
        (
            lambda x: x.replace('outcome == "giao_xu_ly"', '__import__("os").system("x")'),
            "bad.bpmn:f_assign: điều kiện bị từ chối",
        ),
        (
            lambda x: x.replace('value="lanh_dao_don_vi"', 'value="giam_doc"'),
            "bad.bpmn:handle_document: “escalate_to=giam_doc”",
        ),
    ],
)
def test_each_rule_reports_file_element_and_message(mutate, expected):
    problems = problems_of(mutate(GOOD))
    assert any(p.startswith(expected) for p in problems), problems


def test_script_task_that_does_not_compile():
    bad = bpmn_text("loop_case").replace("rounds = rounds + 1", "rounds = = 1")
    assert any(p.startswith("bad.bpmn:count: kịch bản có lỗi cú pháp") for p in problems_of(bad))


def test_validate_cli_prints_one_line_per_problem_and_exits_1(app, tmp_path):
    bad = tmp_path / "processes" / "bad.bpmn"
    bad.parent.mkdir()
    bad.write_text(
        GOOD.replace('serviceTaskOperator id="record_note"', 'serviceTaskOperator id="x_y"').replace(
            'value="PT2H"', 'value="abc"'
        ),
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["processes", "validate", str(bad)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert all(line.startswith(f"{bad}:") for line in lines)
    # No forms/ folder beside this processes/: the three forms are reported missing, plus the two planted errors.
    assert sum("không tìm thấy biểu mẫu" in line for line in lines) == 3
    assert any(line.startswith(f"{bad}:note_done: thao tác “x_y”") for line in lines)
    assert any(line.startswith(f"{bad}:register_document: thời hạn “sla=abc”") for line in lines)
    good = app.test_cli_runner().invoke(args=["processes", "validate", str(DATA / "parallel_review.bpmn")])
    assert good.exit_code == 0, good.output


def test_invalid_bpmn_never_deploys(db_session):
    with pytest.raises(ValidationError) as err:
        deploy(None, GOOD.replace('value="PT2H"', 'value="abc"'), "doc_review.bpmn", forms=forms_for(GOOD))
    assert err.value.code == "invalid_bpmn"
    assert err.value.problems[0].startswith("doc_review.bpmn:register_document:")
    assert err.value.details["bpmn"].startswith("doc_review.bpmn:register_document:")


def test_versions_are_immutable_and_running_cases_keep_theirs(deploy_process, office, frozen_clock):
    v1 = deploy_process("doc_review")
    assert deploy_process("doc_review").id == v1.id  # same content: no new version
    old_case = wf.start_process(office.clerk, "doc_review", title="Trước khi đổi quy trình")
    v2 = deploy_process("doc_review", xml=GOOD.replace('value="PT2H"', 'value="PT4H"'))
    assert v2.version == 2 and v2.checksum != v1.checksum
    new_case = wf.start_process(office.clerk, "doc_review", title="Sau khi đổi quy trình")
    assert old_case.process_version_id == v1.id and new_case.process_version_id == v2.id
    [old_task], [new_task] = open_tasks(old_case), open_tasks(new_case)
    # Each case keeps the deadline of its own version, counted in working time from the (frozen) start.
    started = clock.now()
    assert old_task.due_at == due(started, "PT2H", office.agency.id)
    assert new_task.due_at == due(started, "PT4H", office.agency.id) > old_task.due_at


def test_agency_version_applies_to_its_agency_only(deploy_process, office, create_agency, create_user):
    deploy_process("doc_review")
    other = create_agency(name="Sở Tài chính", abbreviation="STC")
    custom = GOOD.replace('value="PT2H"', 'value="PT1H"')
    with pytest.raises(PermissionDenied):
        deploy_process("doc_review", xml=custom, agency_id=office.agency.id, actor=office.clerk)
    mine = deploy_process("doc_review", xml=custom, agency_id=office.agency.id, actor=office.admin)
    assert mine.agency_id == office.agency.id and mine.version == 1
    assert newest_version("doc_review", office.agency.id).id == mine.id
    assert newest_version("doc_review", other.id).agency_id is None
    newer_global = deploy_process("doc_review", xml=GOOD.replace('value="PT2H"', 'value="PT3H"'))
    assert newer_global.version == 2 and newest_version("doc_review", other.id).id == newer_global.id
    assert newest_version("doc_review", office.agency.id).id == mine.id  # its own version, however old
    with pytest.raises(PermissionDenied):  # a designer deploys for their own agency only
        deploy_process("doc_review", xml=custom, agency_id=other.id, actor=office.admin)


def test_deploy_cli_makes_an_agency_version(app, office, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["processes", "deploy", str(DATA / "parallel_review.bpmn"), "--agency", "000.00.00.H33"]
    )
    assert result.exit_code == 0, result.output
    assert "parallel_review: phiên bản 1 cho Ủy ban nhân dân tỉnh Kiên Giang" in result.output
    assert newest_version("parallel_review", office.agency.id).agency_id == office.agency.id
    unknown = runner.invoke(args=["processes", "deploy", str(DATA / "parallel_review.bpmn"), "--agency", "H99.1"])
    assert unknown.exit_code == 2
    bad = tmp_path / "bad_deploy.bpmn"
    bad.write_text(bpmn_text("parallel_review").replace('name="chuyen_vien"', 'name="khach"'), encoding="utf-8")
    refused = runner.invoke(args=["processes", "deploy", str(bad), "--agency", "000.00.00.H33"])
    assert refused.exit_code == 1 and "lane_specialist" in refused.output

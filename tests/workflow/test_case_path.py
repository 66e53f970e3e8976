"""A case on its diagram: the path it took, the steps it stands at, who did each step when (app.workflow.case_path)."""

import pytest

from app.core.errors import NotFound
from app.workflow import services as wf
from app.workflow.case_path import case_path, case_path_for
from tests.conftest import login
from tests.workflow.conftest import open_tasks


@pytest.fixture
def review(deploy_process, office, frozen_clock):
    deploy_process("doc_review")
    office.clock = frozen_clock
    return office


def directed_case(office):
    """Registered at 10:05 by the clerk, directed at 14:30 by the leader (23/11/2026, Việt Nam time)."""
    instance = wf.start_process(office.clerk, "doc_review", title="Công văn 45/SNV về tuyển dụng")
    office.clock.advance(hours=1, minutes=5)
    [register] = open_tasks(instance)
    wf.complete_task(office.clerk, register.id, {"so_den": 45, "trich_yeu": "Về tuyển dụng công chức"})
    office.clock.advance(hours=4, minutes=25)
    [direct] = open_tasks(instance)
    wf.complete_task(
        office.leader,
        direct.id,
        {"y_kien": "Giao Phòng Tổng hợp", "lead_unit_id": office.unit_a.id, "lead_user_id": office.spec_a1.id},
        outcome="giao_xu_ly",
    )
    return instance


def test_path_shows_completed_steps_the_current_one_and_the_flows_taken(review):
    instance = directed_case(review)
    path = case_path(instance)
    states = {bpmn_id: e.state for bpmn_id, e in path.elements.items()}
    assert states == {
        "start": "completed",
        "register_document": "completed",
        "direct_handling": "completed",
        "gw_direction": "completed",
        "handle_document": "current",
    }
    # The branch not taken (to end_filed) is not coloured.
    assert path.flows == ["f1", "f2", "f3", "f_assign"]
    register, direct, handle = (path.elements[k] for k in ("register_document", "direct_handling", "handle_document"))
    assert [(a["name"], a["at_label"], a["state"]) for a in register.actors] == [
        ("Nguyễn Thị Thu Hà", "10:05 23/11", "completed")
    ]
    assert [(a["name"], a["at_label"], a["outcome"]) for a in direct.actors] == [
        ("Trần Văn Minh", "14:30 23/11", "Giao xử lý")
    ]
    # The open step names who holds it (designated by the leader) and since when.
    assert [(a["name"], a["at_label"], a["state"]) for a in handle.actors] == [("Võ Quốc Bảo", "14:30 23/11", "open")]
    assert handle.actors[0]["due_at"] is not None and register.count == 1


def test_a_loop_counts_each_run_and_keeps_every_actor(deploy_process, office, frozen_clock):
    deploy_process("loop_case")
    instance = wf.start_process(office.spec_a1, "loop_case", title="Dự thảo tờ trình", data={"rounds": 0})
    for _ in range(2):
        [draft] = open_tasks(instance)
        frozen_clock.advance(minutes=30)
        wf.complete_task(office.spec_a1, draft.id, {"noi_dung": "bản sửa"}, outcome="dong_y")
        [review] = open_tasks(instance)
        frozen_clock.advance(minutes=30)
        wf.complete_task(office.unit_leader, review.id, {}, outcome="tra_lai")
    path = case_path(instance)
    draft, review = path.elements["draft"], path.elements["review"]
    assert (draft.state, draft.count, review.state, review.count) == ("current", 2, "completed", 2)
    assert [a["at_label"] for a in review.actors] == ["10:00 23/11", "11:00 23/11"]
    assert [a["state"] for a in draft.actors] == ["completed", "completed", "open"]
    assert "f_back" in path.flows and "f_done" not in path.flows


def test_only_those_who_may_see_the_case_get_its_diagram(app, review, create_user):
    instance = directed_case(review)
    outsider = create_user(roles=("chuyen_vien",), agency=review.agency, unit_id=review.unit_b.id, username="cv.khac")
    with pytest.raises(NotFound):
        case_path_for(outsider, instance.id)
    assert case_path_for(review.spec_a1, instance.id).elements["handle_document"].state == "current"

    client = app.test_client()
    login(client, "cv.khac")
    assert client.get(f"/cases/{instance.id}/diagram.json").status_code == 404
    client = app.test_client()
    login(client, "cv.a1")
    body = client.get(f"/cases/{instance.id}/diagram.json").get_json()
    assert body["elements"]["handle_document"]["state"] == "current" and "<bpmn:definitions" in body["bpmn_xml"]
    assert 'name="Lãnh đạo cơ quan"' in body["bpmn_xml"] and 'name="lanh_dao"' not in body["bpmn_xml"]  # lanes
    page = client.get(f"/cases/{instance.id}").get_data(as_text=True)
    assert 'data-testid="case-diagram"' in page and "bpmn-navigated-viewer.production.min.js" in page


def test_the_rest_api_gives_the_same_diagram_and_hides_other_cases(app, review, api_token, create_user):
    instance = directed_case(review)
    client = app.test_client()
    body = client.get(f"/api/v1/cases/{instance.id}/diagram", headers=api_token(review.leader)).get_json()
    assert body["flows"] == ["f1", "f2", "f3", "f_assign"]
    assert body["elements"]["direct_handling"]["actors"][0]["name"] == "Trần Văn Minh"
    outsider = create_user(roles=("chuyen_vien",), agency=review.agency, unit_id=review.unit_b.id, username="cv.khac")
    response = client.get(f"/api/v1/cases/{instance.id}/diagram", headers=api_token(outsider))
    assert response.status_code == 404 and response.get_json()["code"] == "instance_not_found"

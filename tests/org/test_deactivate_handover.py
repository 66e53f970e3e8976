"""Deactivating a person who holds open work: the administrator sees it first, and may hand it to a colleague."""

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import ValidationError
from app.workflow import services as wf
from app.workflow.handover import deactivate_handing_over
from app.workflow.models import TaskState
from app.workflow.queries import held_open_task_count, held_open_tasks
from tests.conftest import csrf_token, login
from tests.workflow.conftest import deploy_process, office, open_tasks  # noqa: F401 (fixtures)


@pytest.fixture
def held(deploy_process, office, frozen_clock):  # noqa: F811
    """cv.a1 holds two open tasks: one designated to her by the leader, one she claimed."""
    deploy_process("doc_review")
    tasks = []
    for number, designated in ((21, True), (22, False)):
        instance = wf.start_process(office.clerk, "doc_review", title=f"Công văn {number}/SNV về biên chế")
        [register] = open_tasks(instance)
        wf.complete_task(office.clerk, register.id, {"so_den": number, "trich_yeu": f"Công văn số {number}"})
        [direct] = open_tasks(instance)
        data = {"y_kien": "Giao", "lead_unit_id": office.unit_a.id}
        if designated:
            data["lead_user_id"] = office.spec_a1.id
        wf.complete_task(office.leader, direct.id, data, outcome="giao_xu_ly")
        [handle] = open_tasks(instance)
        if not designated:
            wf.claim_task(office.spec_a1, handle.id)
        tasks.append(handle)
    db.session.commit()
    return office, tasks


def test_the_query_counts_what_a_person_holds(held):
    people, tasks = held
    assert held_open_task_count(people.spec_a1.id) == 2
    assert {t.id for t in held_open_tasks(people.spec_a1.id)} == {t.id for t in tasks}
    assert held_open_task_count(people.spec_a2.id) == 0


def test_user_page_lists_the_open_work_and_warns_before_deactivating(held, client):
    people, tasks = held
    login(client, "quantri")
    page = client.get(f"/admin/users/{people.spec_a1.id}").get_data(as_text=True)
    assert f"/admin/users/{people.spec_a1.id}/open-work" in page  # the panel, loaded by htmx
    panel = client.get(f"/admin/users/{people.spec_a1.id}/open-work").get_data(as_text=True)
    assert 'data-testid="open-task-count">2<' in panel
    assert "Công văn 21/SNV về biên chế" in panel and "Công văn 22/SNV về biên chế" in panel
    assert f"/tasks/{tasks[0].id}" in panel and "Giao đích danh" in panel
    assert "2 việc đang giữ sẽ trở về hộp việc chung của vai trò" in panel
    assert people.spec_a2.full_name in panel and people.spec_a1.full_name not in panel.split("<select")[1]
    quiet = client.get(f"/admin/users/{people.spec_a2.id}/open-work").get_data(as_text=True)
    assert "Không giữ việc nào đang mở" in quiet and "deactivate-warning" not in quiet


def test_deactivating_with_a_colleague_hands_every_task_over_audited(held, client):
    people, tasks = held
    login(client, "quantri")
    token = csrf_token(client, f"/admin/users/{people.spec_a1.id}/open-work")
    response = client.post(
        f"/admin/users/{people.spec_a1.id}/deactivate-handing-over",
        data={"csrf_token": token, "to_user_id": people.spec_b.id},  # another unit: an override
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert not people.spec_a1.is_active
    for task in tasks:
        db.session.refresh(task)
        assert task.assignee_id == people.spec_b.id and task.state == TaskState.CLAIMED
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "task.reassign")).all()
    assert len(events) == 2 and all(e.changes.get("override") for e in events)
    assert not db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "task.release")).all()
    page = client.get(f"/admin/users/{people.spec_a1.id}", follow_redirects=True).get_data(as_text=True)
    assert "2 việc đã được chuyển cho Lý Thị Mỹ Duyên" in page


def test_deactivating_without_a_colleague_releases_them_as_before(held, client):
    people, tasks = held
    login(client, "quantri")
    token = csrf_token(client, f"/admin/users/{people.spec_a1.id}/open-work")
    client.post(
        f"/admin/users/{people.spec_a1.id}/deactivate-handing-over", data={"csrf_token": token, "to_user_id": ""}
    )
    db.session.expire_all()
    assert not people.spec_a1.is_active
    for task in tasks:
        db.session.refresh(task)
        assert task.assignee_id is None and task.state == TaskState.READY and not task.is_designated
    assert len(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "task.release")).all()) == 2


def test_a_wrong_colleague_changes_nothing(held):
    people, _tasks = held
    for wrong in (people.spec_a1.id, 999999):
        with pytest.raises(ValidationError) as caught:
            deactivate_handing_over(people.admin, people.spec_a1.id, wrong)
        assert caught.value.code == "handover_target_invalid"
    assert people.spec_a1.is_active and held_open_task_count(people.spec_a1.id) == 2


def test_api_gives_the_count_and_deactivates_handing_over(held, client, api_token):
    people, tasks = held
    headers = api_token(people.admin)
    body = client.get(f"/api/v1/users/{people.spec_a1.id}/open-tasks", headers=headers).json
    assert body["open_tasks"] == 2 and {t["id"] for t in body["tasks"]} == {t.id for t in tasks}
    response = client.post(
        f"/api/v1/users/{people.spec_a1.id}/deactivate-handing-over",
        json={"to_user_id": people.spec_a2.id},
        headers=headers,
    )
    assert response.status_code == 200, response.json
    assert response.json == {
        "user_id": people.spec_a1.id,
        "is_active": False,
        "handed_to_id": people.spec_a2.id,
        "handed_over": 2,
        "released": 0,
    }
    db.session.expire_all()
    assert all(db.session.get(type(t), t.id).assignee_id == people.spec_a2.id for t in tasks)
    refused = client.post(
        f"/api/v1/users/{people.spec_a2.id}/deactivate-handing-over", json={"to_user_id": 999999}, headers=headers
    )
    assert refused.status_code == 422 and refused.json["code"] == "handover_target_invalid"


def test_tasks_left_with_nobody_make_one_notice_not_one_each(held):
    from app.escalation.scan import escalate
    from app.notifications.models import Notification
    from app.org import services as org

    people, _tasks = held
    org.deactivate_user(people.admin, people.spec_a2.id)  # Phòng Tổng hợp keeps no other specialist
    org.deactivate_user(people.admin, people.spec_a1.id)
    db.session.commit()
    escalate()  # the scan's look at the released tasks finds the level already told
    db.session.commit()
    notices = db.session.scalars(sa.select(Notification).where(Notification.kind == "task_unactionable")).all()
    assert sorted(n.user_id for n in notices) == sorted([people.clerk.id, people.admin.id])
    assert all(n.title.startswith("2 việc không có người xử lý") and "cv.a1" in n.title for n in notices)
    assert "Công văn 21/SNV về biên chế" in notices[0].body


def test_the_page_warns_of_queued_steps_nobody_else_could_take(held, client, api_token):
    # A clerk who is the agency's only clerk: the step waiting in the clerks' queue would be left with nobody. The
    # page says so before the deactivation (seen stranded in the browser: the warning came only afterwards).
    people, _tasks = held
    instance = wf.start_process(people.clerk, "doc_review", title="Công văn 23/SNV chờ vào sổ")
    [waiting] = open_tasks(instance)
    assert waiting.assignee_id is None and waiting.role == "van_thu"
    db.session.commit()
    login(client, "quantri")
    panel = client.get(f"/admin/users/{people.clerk.id}/open-work").get_data(as_text=True)
    assert 'data-testid="only-taker-warning"' in panel and "Công văn 23/SNV chờ vào sổ" in panel
    assert "1 việc chờ nhận sẽ không còn ai nhận được." in panel  # the confirmation says it too
    listed = client.get(f"/api/v1/users/{people.clerk.id}/open-tasks", headers=api_token(people.admin))
    assert [t["id"] for t in listed.json["only_theirs"]] == [waiting.id]
    # A specialist with a colleague in the same unit strands nothing.
    quiet = client.get(f"/admin/users/{people.spec_a2.id}/open-work").get_data(as_text=True)
    assert "only-taker-warning" not in quiet

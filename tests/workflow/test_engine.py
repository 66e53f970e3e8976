"""Real BPMN runs through the services: lanes as roles, forms, gateways, assignment from data, service tasks."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.org import delegations
from app.org import services as org
from app.workflow import services as wf
from app.workflow.models import InstanceStatus, TaskState
from app.workflow.queries import InboxFilter, inbox_count, inbox_page, inbox_page_and_count, task_history
from tests.workflow.conftest import open_tasks

# Monday 23/11/2026 09:00 in Hà Nội time.
MONDAY_9 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def review(deploy_process, office, frozen_clock):
    deploy_process("doc_review")
    return office


def start_review(office, **kwargs):
    return wf.start_process(office.clerk, "doc_review", title="Công văn 123/SNV-TCBC về biên chế năm 2027", **kwargs)


def test_happy_path_from_clerk_to_specialist(review):
    office = review
    instance = start_review(office)
    [register] = open_tasks(instance)
    assert (register.task_name, register.role, register.state) == ("register_document", "van_thu", TaskState.READY)
    assert register.due_at == MONDAY_9 + timedelta(hours=2)  # sla PT2H in working time
    assert register in inbox_page(office.clerk) and register not in inbox_page(office.leader)

    with pytest.raises(ValidationError) as err:
        wf.complete_task(office.clerk, register.id, {"so_den": 0, "trich_yeu": "ngắn"})
    assert set(err.value.details) == {"so_den", "trich_yeu"}
    assert register.state == TaskState.READY  # nothing changed

    wf.complete_task(office.clerk, register.id, {"so_den": 123, "trich_yeu": "Về biên chế năm 2027"})
    [direct] = open_tasks(instance)
    assert (direct.task_name, direct.role) == ("direct_handling", "lanh_dao")
    # Next working day, 17:00 +07:00: Tuesday 24/11/2026 is Ngày Văn hóa Việt Nam, a public holiday.
    assert direct.due_at == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    with pytest.raises(PermissionDenied):
        wf.complete_task(office.clerk, direct.id, {"y_kien": "x"}, outcome="luu")

    wf.complete_task(
        office.leader,
        direct.id,
        {"y_kien": "Giao Phòng Tổng hợp xử lý", "lead_unit_id": office.unit_a.id, "lead_user_id": office.spec_a1.id},
        outcome="giao_xu_ly",
    )
    [handle] = open_tasks(instance)
    assert handle.assignee_id == office.spec_a1.id and handle.is_designated
    assert handle.unit_id == office.unit_a.id and handle.escalate_to == "lanh_dao_don_vi"
    assert handle.due_at == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # P3D: end of the 3rd working day after
    assert handle in inbox_page(office.spec_a1) and handle not in inbox_page(office.spec_a2)
    with pytest.raises(PermissionDenied):  # her unit's task, but designated to her colleague
        wf.complete_task(office.spec_a2, handle.id, {"result_summary": "xong"})
    with pytest.raises(NotFound):  # another unit's specialist does not even see it
        wf.complete_task(office.spec_b, handle.id, {"result_summary": "xong"})

    wf.complete_task(office.spec_a1, handle.id, {"result_summary": "Đã tham mưu văn bản trả lời"})
    db.session.refresh(instance)
    assert instance.status == InstanceStatus.COMPLETED and instance.next_timer_at is None
    assert [t.task_name for t in task_history(instance.id)] == [
        "register_document",
        "direct_handling",
        "handle_document",
    ]
    # The timeline names the button pressed, not the value the gateway reads.
    assert [t.outcome_label for t in task_history(instance.id)] == [None, "Giao xử lý", None]
    notes = db.session.scalars(sa.select(AuditEvent.summary).where(AuditEvent.action == "workflow.note")).all()
    assert notes == ["Đã xử lý xong: Đã tham mưu văn bản trả lời"]


def test_default_branch_files_the_document(review):
    instance = start_review(review)
    [register] = open_tasks(instance)
    wf.complete_task(review.clerk, register.id, {"so_den": 7, "trich_yeu": "Thông báo lịch họp"})
    [direct] = open_tasks(instance)
    wf.complete_task(review.leader, direct.id, {"y_kien": "Lưu tham khảo"}, outcome="luu")
    assert open_tasks(instance) == []
    assert instance.status == InstanceStatus.COMPLETED


def test_outcome_must_be_one_the_form_offers(review):
    instance = start_review(review)
    [register] = open_tasks(instance)
    wf.complete_task(review.clerk, register.id, {"so_den": 7, "trich_yeu": "Thông báo lịch họp"})
    [direct] = open_tasks(instance)
    with pytest.raises(ValidationError) as err:
        wf.complete_task(review.leader, direct.id, {"y_kien": "ok"}, outcome="bay_ba")
    assert "outcome" in err.value.details


def test_urgent_case_uses_urgent_sla(review):
    instance = start_review(review, urgent=True)
    [register] = open_tasks(instance)
    wf.complete_task(review.clerk, register.id, {"so_den": 8, "trich_yeu": "Hỏa tốc: phòng chống bão"})
    [direct] = open_tasks(instance)
    assert direct.urgency == "urgent" and direct.due_at == MONDAY_9 + timedelta(hours=1)


def test_unit_from_data_and_foreign_user_ids_are_refused(review):
    instance = start_review(review)
    [register] = open_tasks(instance)
    wf.complete_task(review.clerk, register.id, {"so_den": 9, "trich_yeu": "Báo cáo tài chính quý"})
    [direct] = open_tasks(instance)
    with pytest.raises(ValidationError) as err:  # an id that is not among the agency's users
        wf.complete_task(review.leader, direct.id, {"y_kien": "Giao", "lead_user_id": 999999}, outcome="giao_xu_ly")
    assert "lead_user_id" in err.value.details
    wf.complete_task(
        review.leader,
        direct.id,
        {"y_kien": "Giao phòng Kinh tế", "lead_unit_id": review.unit_b.id},
        outcome="giao_xu_ly",
    )
    [handle] = open_tasks(instance)
    assert handle.assignee_id is None and handle.unit_id == review.unit_b.id
    assert handle in inbox_page(review.spec_b)
    assert handle not in inbox_page(review.spec_a1)  # another unit's specialist


def test_deactivated_assignee_falls_back_to_the_queue(review):
    # The lead specialist was named when the case started; she leaves before the task reaches her.
    instance = start_review(review, data={"lead_user_id": review.spec_a2.id})
    [register] = open_tasks(instance)
    wf.complete_task(review.clerk, register.id, {"so_den": 10, "trich_yeu": "Kế hoạch cải cách hành chính"})
    org.deactivate_user(None, review.spec_a2.id)
    [direct] = open_tasks(instance)
    wf.complete_task(
        review.leader, direct.id, {"y_kien": "Giao", "lead_unit_id": review.unit_a.id}, outcome="giao_xu_ly"
    )
    [handle] = open_tasks(instance)
    assert handle.assignee_id is None and handle.state == TaskState.READY
    assert handle in inbox_page(review.spec_a1)


def test_claim_unclaim_reassign(review):
    instance = start_review(review)
    [register] = open_tasks(instance)
    wf.complete_task(review.clerk, register.id, {"so_den": 11, "trich_yeu": "Đề nghị thẩm định"})
    [direct] = open_tasks(instance)
    wf.complete_task(
        review.leader, direct.id, {"y_kien": "Giao", "lead_unit_id": review.unit_a.id}, outcome="giao_xu_ly"
    )
    [handle] = open_tasks(instance)
    with pytest.raises(NotFound):
        wf.claim_task(review.spec_b, handle.id)  # another unit: not offered, not visible
    wf.claim_task(review.spec_a1, handle.id)
    with pytest.raises(Conflict):
        wf.claim_task(review.spec_a2, handle.id)
    assert handle not in inbox_page(review.spec_a2)
    wf.unclaim_task(review.spec_a1, handle.id)
    assert handle.state == TaskState.READY and handle in inbox_page(review.spec_a2)
    with pytest.raises(ValidationError):
        wf.reassign_task(review.unit_leader, handle.id, review.spec_b.id)  # not a candidate
    wf.reassign_task(review.unit_leader, handle.id, review.spec_a2.id)
    assert handle.assignee_id == review.spec_a2.id
    with pytest.raises(PermissionDenied):
        wf.reassign_task(review.spec_a1, handle.id, review.spec_a1.id)


def test_completed_task_cannot_be_completed_again(review):
    instance = start_review(review)
    [register] = open_tasks(instance)
    wf.complete_task(review.clerk, register.id, {"so_den": 12, "trich_yeu": "Giấy mời họp"})
    with pytest.raises(Conflict) as err:
        wf.complete_task(review.clerk, register.id, {"so_den": 12, "trich_yeu": "Giấy mời họp"})
    assert err.value.code == "task_already_completed"


def delegate_and_present(review, frozen_clock, deputy, *, so_den: int):
    """The leader delegates his role to `deputy` for two days; the clerk registers a document for direction."""
    delegations.create_delegation(
        review.leader,
        from_user_id=review.leader.id,
        to_user_id=deputy.id,
        roles=["lanh_dao"],
        starts_at=frozen_clock(),
        ends_at=frozen_clock() + timedelta(days=2),
    )
    instance = start_review(review)
    [register] = open_tasks(instance)
    wf.complete_task(review.clerk, register.id, {"so_den": so_den, "trich_yeu": "Xin ý kiến chỉ đạo"})
    [direct] = open_tasks(instance)
    return direct


def test_delegated_leader_work_reaches_the_deputy(review, frozen_clock):
    deputy = review.spec_a1
    direct = delegate_and_present(review, frozen_clock, deputy, so_den=13)
    assert direct in inbox_page(deputy)
    wf.complete_task(deputy, direct.id, {"y_kien": "Lưu"}, outcome="luu")
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "task.complete").order_by(AuditEvent.id.desc())
    ).first()
    assert "(thay Trần Văn Minh)" in event.summary
    frozen_clock.advance(days=3)  # the delegation has ended
    other = start_review(review)
    [register2] = open_tasks(other)
    wf.complete_task(review.clerk, register2.id, {"so_den": 14, "trich_yeu": "Xin ý kiến chỉ đạo"})
    [direct2] = open_tasks(other)
    assert direct2 not in inbox_page(deputy)


def test_a_task_reached_by_one_s_own_role_and_a_delegation_is_listed_and_counted_once(
    review, frozen_clock, create_user
):
    deputy = create_user(roles=("lanh_dao",), agency=review.agency, username="phochutich", full_name="Lê Văn Phó")
    # The deputy is a leader too: the task reaches him twice, by his own role and by the leader's delegation.
    direct = delegate_and_present(review, frozen_clock, deputy, so_den=15)
    flt = InboxFilter(None, False, False)
    assert inbox_page(deputy) == [direct] and inbox_count(deputy) == 1
    assert inbox_page_and_count(deputy, flt) == ([direct], 1)


def test_parallel_gateway_waits_for_both_branches(deploy_process, office):
    deploy_process("parallel_review")
    instance = wf.start_process(office.spec_a1, "parallel_review", title="Dự thảo quy chế")
    legal, finance = open_tasks(instance)
    assert {legal.task_name, finance.task_name} == {"review_legal", "review_finance"}
    wf.complete_task(office.spec_a1, legal.id, {"gop_y": "Phù hợp"})
    assert [t.task_name for t in open_tasks(instance)] == ["review_finance"]
    wf.complete_task(office.spec_a2, finance.id, {"gop_y": "Cần bổ sung dự toán"})
    [summary] = open_tasks(instance)
    assert (summary.task_name, summary.role) == ("summarize", "lanh_dao_don_vi")


def test_start_lane_limits_who_starts(review):
    with pytest.raises(PermissionDenied):
        wf.start_process(review.spec_a1, "doc_review", title="x")


def test_one_instance_per_business_object(review):
    wf.start_process(review.clerk, "doc_review", object_type="incoming", object_id="42", title="Văn bản 42")
    with pytest.raises(Conflict):
        wf.start_process(review.clerk, "doc_review", object_type="incoming", object_id="42", title="Văn bản 42")


def test_state_is_compressed_and_small(review):
    instance = start_review(review)
    assert instance.state_size > len(instance.state) * 3
    assert len(instance.state) < 4000


def test_deactivating_a_user_returns_their_tasks_to_the_queue(review):
    instance = start_review(review)
    [register] = open_tasks(instance)
    wf.complete_task(review.clerk, register.id, {"so_den": 15, "trich_yeu": "Công văn cần xử lý"})
    [direct] = open_tasks(instance)
    wf.complete_task(
        review.leader,
        direct.id,
        {"y_kien": "Giao", "lead_unit_id": review.unit_a.id, "lead_user_id": review.spec_a1.id},
        outcome="giao_xu_ly",
    )
    [handle] = open_tasks(instance)
    assert handle.assignee_id == review.spec_a1.id
    org.deactivate_user(None, review.spec_a1.id)
    db.session.refresh(handle)
    assert handle.assignee_id is None and handle.state == TaskState.READY and not handle.is_designated
    assert handle in inbox_page(review.spec_a2)


def test_tenancy_another_agencys_task_is_not_found(review, create_agency, create_user, client, api_token):
    instance = start_review(review)
    [register] = open_tasks(instance)
    stranger = create_user(roles=("van_thu", "lanh_dao", "quan_tri"), agency=create_agency(), username="nguoingoai")
    assert register not in inbox_page(stranger)
    with pytest.raises(NotFound):
        wf.get_task(stranger, register.id)
    response = client.get(f"/api/v1/tasks/{register.id}", headers=api_token(stranger))
    assert response.status_code == 404 and response.json["code"] == "task_not_found"
    from tests.conftest import login

    login(client, "nguoingoai")
    assert client.get(f"/tasks/{register.id}").status_code == 404
    assert client.get(f"/cases/{instance.id}").status_code == 404


def test_urgent_work_goes_first_in_the_inbox(review, frozen_clock):
    normal = start_review(review)
    frozen_clock.advance(hours=1)
    urgent = start_review(review, urgent=True)  # later, with a later deadline (PT2H: no urgent_sla on this step)
    [first], [second] = open_tasks(normal), open_tasks(urgent)
    assert second.due_at > first.due_at
    assert inbox_page(review.clerk)[:2] == [second, first]
    from app.workflow.queries import InboxFilter, decode_cursor, encode_cursor

    rest = inbox_page(review.clerk, InboxFilter(after=decode_cursor(encode_cursor(second))))
    assert rest == [first]


def test_inbox_first_page_and_count_in_one_query_agree_with_the_page_and_the_capped_count(review, monkeypatch):
    from app.workflow import queries

    for _ in range(4):
        start_review(review)
    flt = queries.InboxFilter()
    assert queries.inbox_page_and_count(review.clerk, flt, limit=3) == (inbox_page(review.clerk, limit=3), 4)
    assert queries.inbox_page_and_count(review.clerk, flt, limit=10)[1] == queries.inbox_count(review.clerk) == 4
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    assert queries.inbox_page_and_count(review.clerk, flt, limit=1) == (inbox_page(review.clerk, limit=1), 2)
    assert queries.inbox_page_and_count(review.clerk, queries.InboxFilter(process_id="other"), limit=1) == ([], 0)

"""The direction form's per-assignee deadlines and the handling actions through the pages and the REST API."""

from datetime import UTC, date, datetime

from app.core import clock
from app.core.db import db
from app.incoming import handling
from app.incoming.models import IncomingDocument
from app.workflow import services as wf
from app.workflow.models import HumanTask
from tests.conftest import csrf_token, login
from tests.incoming.test_handling import END_OF, in_handling, registered
from tests.workflow.conftest import open_tasks


def test_direction_page_takes_a_date_beside_each_assignee(app, client, incoming_office, signed_pdf, frozen_clock):
    # NĐ 30 Phụ lục VI III.1.m; seed 000 Điều 17.2, seed 002 Điều 11: a deadline per assignee, on the form
    office = incoming_office
    document, instance, task = registered(office, signed_pdf)
    login(client, "lanhdao")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert f'name="han_don_vi_phoi_hop.{office.unit_b.id}"' in page and f'name="han_de_biet.{office.spec_b.id}"' in page
    form = {
        "csrf_token": csrf_token(client, f"/tasks/{task.id}"),
        "y_kien_chi_dao": "Giao Phòng Tổng hợp chủ trì",
        "lead_unit_id": str(office.unit_a.id),
        "han_xu_ly": "2026-11-27",
        "coordinate_unit_ids": str(office.unit_b.id),
        f"han_don_vi_phoi_hop.{office.unit_b.id}": "2026-11-30",  # after the lead's: refused
        "inform_user_ids": str(office.spec_b.id),
        f"han_de_biet.{office.spec_b.id}": "2026-11-26",
    }
    response = client.post(f"/tasks/{task.id}/complete", data=form)
    assert response.status_code == 422
    assert "không được sau hạn của bên chủ trì" in response.get_data(as_text=True)
    form[f"han_don_vi_phoi_hop.{office.unit_b.id}"] = "2026-11-25"
    assert client.post(f"/tasks/{task.id}/complete", data=form).status_code in (302, 303)
    db.session.expire_all()
    dues = {
        (a.kind, a.unit_id or a.user_id): a.due_date for a in db.session.get(IncomingDocument, document.id).assignments
    }
    assert dues == {
        ("lead", office.unit_a.id): date(2026, 11, 27),
        ("coordinate", office.unit_b.id): date(2026, 11, 25),
        ("inform", office.spec_b.id): date(2026, 11, 26),
    }
    confirm = db.session.query(HumanTask).filter_by(instance_id=instance.id, task_name="confirm_read").one()
    assert confirm.due_at == END_OF[26]  # the person informed sees their own deadline in their inbox
    frozen_clock.set(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))  # past the coordinating unit's own deadline
    viewer = app.test_client()
    login(viewer, "lanhdao")
    page = viewer.get(f"/incoming/{document.id}").get_data(as_text=True)
    assert page.count("Quá hạn</span>") == 2  # Phòng Kinh tế (25/11) and the person informed (26/11), not the lead
    informed = app.test_client()
    login(informed, "cv.b")
    assert "26/11/2026" in informed.get("/tasks").get_data(as_text=True)


def test_handling_actions_on_the_document_page(app, client, incoming_office, signed_pdf, frozen_clock):
    # NĐ 30 Phụ lục VI III.1.l, III.1.m: progress and extension from the page, decided by the unit leader
    office = incoming_office
    document, _instance, handle = in_handling(office, signed_pdf)
    login(client, "cv.a1")
    page = client.get(f"/incoming/{document.id}").get_data(as_text=True)
    assert "Xin gia hạn" in page and "Cập nhật tiến độ" in page and "Trả lại" in page
    assert "Xin gia hạn, trả lại, cập nhật tiến độ" in client.get(f"/tasks/{handle.id}").get_data(as_text=True)
    token = csrf_token(client, f"/incoming/{document.id}")
    client.post(f"/incoming/{document.id}/progress", data={"csrf_token": token, "text": "Đã họp", "percent": "30"})
    # Refused (a Saturday): the page again, saying why, with the reason and the date as typed — nothing to retype.
    refused = client.post(
        f"/incoming/{document.id}/extensions",
        data={"csrf_token": token, "reason": "Chờ số liệu của 15 xã", "proposed_date": "2026-12-05"},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "là 05/12/2026, ngày nghỉ (Thứ Bảy)" in page
    assert 'value="Chờ số liệu của 15 xã">' in page  # kept; the date is what to fix: marked, said, focused
    assert 'is-invalid" id="extension-date"' in page and 'value="2026-12-05" autofocus>' in page
    assert '<div class="invalid-feedback">Ngày đề nghị là 05/12/2026, ngày nghỉ (Thứ Bảy)' in page
    response = client.post(
        f"/incoming/{document.id}/extensions",
        data={"csrf_token": token, "reason": "Chờ số liệu", "proposed_date": "2026-12-01"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Đã gửi đề nghị gia hạn" in page and "Đã họp" in page and "30%" in page
    other = app.test_client()
    login(other, "truongphong")
    assert "Đề nghị gia hạn chờ bạn cho ý kiến" in other.get("/incoming").get_data(as_text=True)
    page = other.get(f"/incoming/{document.id}").get_data(as_text=True)
    assert "Không đồng ý" in page  # the unit leader decides
    assert "<th>Người đề nghị</th>" in page  # the column holds the requester's name
    [extension_id] = [e.id for e in handling.extensions_of(document)]
    refused = other.post(
        f"/incoming/{document.id}/extensions/{extension_id}/refuse",
        data={"csrf_token": csrf_token(other, f"/incoming/{document.id}"), "note": ""},
        follow_redirects=True,
    )
    shown = refused.get_data(as_text=True)  # once on top, once beside the note at fault (which is marked)
    assert shown.count("Nhập lý do không đồng ý gia hạn.") == 2
    assert f'class="form-control form-control-sm is-invalid" id="note-{extension_id}"' in shown
    response = other.post(
        f"/incoming/{document.id}/extensions/{extension_id}/approve",
        data={"csrf_token": csrf_token(other, f"/incoming/{document.id}"), "note": ""},
        follow_redirects=True,
    )
    assert "Đã đồng ý gia hạn" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(IncomingDocument, document.id).handling_due == date(2026, 12, 1)


def test_handling_through_the_api(client, incoming_office, signed_pdf, api_token, frozen_clock):
    # NĐ 30 Phụ lục VI III.1.l, III.1.m
    office = incoming_office
    document, _instance, handle = in_handling(office, signed_pdf)
    specialist, leader = api_token(office.spec_a1), api_token(office.unit_leader)
    base = f"/api/v1/incoming/{document.id}"
    response = client.post(f"{base}/progress", json={"text": "Đã tổng hợp", "percent": 50}, headers=specialist)
    assert response.status_code == 201 and response.json["percent"] == 50
    response = client.post(
        f"{base}/extensions", json={"reason": "x", "proposed_date": "2026-11-20"}, headers=specialist
    )
    assert response.status_code == 422 and set(response.json["details"]) == {"reason", "proposed_date"}
    response = client.post(
        f"{base}/extensions", json={"reason": "Chờ ý kiến Sở", "proposed_date": "2026-11-30"}, headers=specialist
    )
    assert response.status_code == 201 and response.json["status"] == "pending"
    extension_id = response.json["id"]
    assert client.get("/api/v1/incoming/extensions/pending", headers=specialist).json == []
    assert [e["id"] for e in client.get("/api/v1/incoming/extensions/pending", headers=leader).json] == [extension_id]
    assert client.post(f"{base}/extensions/{extension_id}/approve", json={}, headers=specialist).status_code == 403
    response = client.post(f"{base}/extensions/{extension_id}/refuse", json={}, headers=leader)
    assert response.status_code == 422 and "note" in response.json["details"]
    response = client.post(f"{base}/extensions/{extension_id}/approve", json={"note": "Đồng ý"}, headers=leader)
    assert response.status_code == 200 and response.json["status"] == "approved"
    db.session.refresh(handle)
    assert handle.due_at == END_OF[30]
    response = client.post(f"{base}/return-to-unit", json={"reason": "Đi công tác dài ngày"}, headers=specialist)
    assert response.status_code == 200 and response.json["kind"] == "returned"
    response = client.post(f"{base}/reassign", json={"user_id": office.spec_b.id}, headers=leader)
    assert response.status_code == 422  # not a specialist of the unit
    response = client.post(f"{base}/reassign", json={"user_id": office.spec_a2.id}, headers=leader)
    assert response.status_code == 200 and response.json["assignee_id"] == office.spec_a2.id
    history = client.get(f"{base}/handling", headers=specialist).json
    assert [e["status"] for e in history["extensions"]] == ["approved"]
    assert [n["kind"] for n in history["notes"]] == ["progress", "returned", "assigned"]  # the unit leader's words


def test_administrator_allows_assignee_deadlines_after_the_leads(client, incoming_office, api_token):
    # seed 000 Điều 17.2: an agency setting, forbidden by default
    office = incoming_office
    headers = api_token(office.admin)
    url = f"/api/v1/agencies/{office.agency.id}"
    assert client.get(url, headers=headers).json["due_after_lead_allowed"] is False
    response = client.patch(url, json={"due_after_lead_allowed": True}, headers=headers)
    assert response.status_code == 200 and response.json["due_after_lead_allowed"] is True
    db.session.refresh(office.agency)
    assert office.agency.due_after_lead_allowed is True
    login(client, "quantri")
    page = client.get(f"/admin/agencies/{office.agency.id}/edit").get_data(as_text=True)
    assert 'name="due_after_lead_allowed"' in page


def test_the_page_says_when_nobody_else_in_the_unit_can_take_a_returned_document(
    client, incoming_office, signed_pdf, frozen_clock
):
    # Seed 000 Điều 18: the unit leader gives a returned document to another specialist — not the one who returned it.
    office = incoming_office
    document, _instance, _handle = in_handling(office, signed_pdf)
    handling.return_to_unit_leader(office.spec_a1, document.id, "Không thuộc lĩnh vực được phân công")
    login(client, "truongphong")
    page = client.get(f"/incoming/{document.id}").get_data(as_text=True)
    choices = page.split('id="reassign-user"', 1)[1].split("</select>", 1)[0]
    assert f'value="{office.spec_a2.id}"' in choices and f'value="{office.spec_a1.id}"' not in choices
    office.spec_a2.is_active = False  # the unit's only other specialist leaves
    db.session.flush()
    page = client.get(f"/incoming/{document.id}").get_data(as_text=True)
    assert "Đơn vị không còn chuyên viên khác" in page and 'id="reassign-user"' not in page


def test_a_coordinating_unit_s_opinion_is_on_the_page_for_the_lead_at_once(
    app, client, incoming_office, signed_pdf, frozen_clock
):
    # NĐ 30/2020 Điều 24: the lead handles with the coordinators' opinions — given, the unit is done ("Xong") and the
    # lead reads the opinion on the document page while still handling (not only once the case is over).
    office = incoming_office
    document, instance, _handle = in_handling(office, signed_pdf, coordinate_unit_ids=[office.unit_b.id])
    opinion = next(t for t in open_tasks(instance) if t.task_name == "give_opinion")
    wf.complete_task(office.spec_b, opinion.id, {"y_kien_phoi_hop": "Phòng Kinh tế đề nghị bổ sung số liệu quý IV."})
    db.session.commit()
    db.session.expire_all()
    coordinating = next(a for a in db.session.get(IncomingDocument, document.id).assignments if a.kind == "coordinate")
    assert coordinating.done_at == clock.now()
    login(client, "cv.a1")  # the lead specialist, handling
    page = client.get(f"/incoming/{document.id}").get_data(as_text=True)
    assert "Ý kiến phối hợp</strong> · Phòng Kinh tế" in page and "bổ sung số liệu quý IV" in page
    assert client.get(f"/tasks/{opinion.id}").status_code == 200  # the step itself, from the case's history


def test_a_refused_direction_marks_only_the_choices_at_fault(client, incoming_office, signed_pdf, frozen_clock):
    import re

    from app.core.transaction import unit_of_work
    from app.org import services as org

    office = incoming_office
    with unit_of_work():
        empty = org.create_unit(None, agency_id=office.agency.id, name="Chi cục Văn thư - Lưu trữ", abbreviation="VT")
    _document, _instance, task = registered(office, signed_pdf)
    login(client, "lanhdao")
    form = {
        "csrf_token": csrf_token(client, f"/tasks/{task.id}"),
        "y_kien_chi_dao": "Giao Phòng Tổng hợp chủ trì",
        "lead_unit_id": str(office.unit_a.id),
        "han_xu_ly": "2026-11-27",
        "coordinate_unit_ids": [str(office.unit_b.id), str(empty.id)],  # the second has nobody to give an opinion
        f"han_don_vi_phoi_hop.{office.unit_b.id}": "2026-11-30",  # after the lead's
        f"han_don_vi_phoi_hop.{empty.id}": "2026-11-26",
    }
    response = client.post(f"/tasks/{task.id}/complete", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Chi cục Văn thư - Lưu trữ chưa có chuyên viên" in page

    def marked(attributes: str) -> bool:
        return "is-invalid" in re.search(rf'<input class="([^"]*)"[^>]*{re.escape(attributes)}', page).group(1)

    assert page.count("autofocus") == 1 and re.search(f'value="{empty.id}" autofocus', page)  # the first at fault
    assert marked(f'name="coordinate_unit_ids" value="{empty.id}"')
    assert not marked(f'name="coordinate_unit_ids" value="{office.unit_b.id}"')
    assert marked(f'name="han_don_vi_phoi_hop.{office.unit_b.id}"')
    assert re.search(rf'name="han_don_vi_phoi_hop.{office.unit_b.id}"[^>]*aria-invalid="true"', page)
    assert not marked(f'name="han_don_vi_phoi_hop.{empty.id}"')


def test_the_number_is_audited_as_given_by_the_clerk_who_registered(incoming_office, signed_pdf, frozen_clock):
    import sqlalchemy as sa

    from app.audit.models import AuditEvent

    registered(incoming_office, signed_pdf)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "register.assign_number"))
    assert (event.actor_id, event.actor_name) == (incoming_office.clerk.id, "vanthu")
    assert "cho văn bản đến #" in event.summary


def direction_form(client, office, task, **fields) -> dict:
    """The leader signed in, on the direction step: its form, Phòng Tổng hợp leading by 27/11, plus `fields`."""
    login(client, "lanhdao")
    return {
        "csrf_token": csrf_token(client, f"/tasks/{task.id}"),
        "y_kien_chi_dao": "Giao Phòng Tổng hợp chủ trì",
        "lead_unit_id": str(office.unit_a.id),
        "han_xu_ly": "2026-11-27",
        **fields,
    }


def test_a_date_beside_an_unticked_unit_is_refused_not_dropped(client, incoming_office, signed_pdf, frozen_clock):
    # The leader meant Phòng Kinh tế to coordinate by 25/11 but did not tick it: said beside it, the date kept.
    import re

    office = incoming_office
    document, _instance, task = registered(office, signed_pdf)
    form = direction_form(client, office, task, **{f"han_don_vi_phoi_hop.{office.unit_b.id}": "2026-11-25"})
    response = client.post(f"/tasks/{task.id}/complete", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Có hạn cho Phòng Kinh tế nhưng chưa chọn Phòng Kinh tế" in page
    date_input = re.search(rf'<input class="([^"]*)"[^>]*name="han_don_vi_phoi_hop.{office.unit_b.id}"[^>]*>', page)
    assert "is-invalid" in date_input.group(1) and 'value="2026-11-25"' in date_input.group(0)
    db.session.expire_all()
    assert db.session.get(IncomingDocument, document.id).assignments == []  # nothing directed
    form["coordinate_unit_ids"] = str(office.unit_b.id)
    assert client.post(f"/tasks/{task.id}/complete", data=form).status_code in (302, 303)


def test_several_dates_at_fault_are_listed_one_a_line(client, incoming_office, signed_pdf, frozen_clock):
    office = incoming_office
    _document, _instance, task = registered(office, signed_pdf)
    fields = {
        "coordinate_unit_ids": str(office.unit_b.id),
        f"han_don_vi_phoi_hop.{office.unit_b.id}": "2026-11-30",  # after the lead's
        "inform_user_ids": str(office.spec_b.id),
        f"han_de_biet.{office.spec_b.id}": "2026-11-28",  # a Saturday
    }
    form = direction_form(client, office, task, **fields)
    page = client.post(f"/tasks/{task.id}/complete", data=form).get_data(as_text=True)
    feedback = page.split('id="err-han_de_biet">')[1].split("</div>")[0]
    assert "<ul" not in feedback and "ngày nghỉ" in feedback  # one message: plain
    form[f"han_don_vi_phoi_hop.{office.unit_a.id}"] = "2026-11-29"  # a Sunday, beside the unticked lead unit
    page = client.post(f"/tasks/{task.id}/complete", data=form).get_data(as_text=True)
    feedback = page.split('id="err-han_don_vi_phoi_hop">')[1].split("</div>")[0]
    assert feedback.count("<li>") == 2 and "không được sau hạn của bên chủ trì" in feedback


def test_the_lead_person_is_chosen_among_those_who_handle_with_their_unit(
    client, incoming_office, api_token, signed_pdf, frozen_clock
):
    # The leader directing, the clerk and the administrator do not handle documents: not offered, refused by the API
    import re

    office = incoming_office
    _document, _instance, task = registered(office, signed_pdf)
    login(client, "lanhdao")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="lead_user_id".*?</select>', page, re.S).group(0)
    assert "Võ Quốc Bảo" in select and "Phạm Thị Lan" in select and "Phòng Tổng hợp" in select
    assert "Trần Văn Minh" not in select and "Nguyễn Thị Thu Hà" not in select and "Bùi Thanh Tùng" not in select
    coordinating = page.split('name="coordinate_user_ids"', 1)[1].split("</fieldset>", 1)[0]
    informed = page.split('name="inform_user_ids"', 1)[1].split("</fieldset>", 1)[0]
    assert "Trần Văn Minh" not in coordinating and "Bùi Thanh Tùng" not in coordinating  # not the leader, not IT
    assert "Trần Văn Minh" not in informed and "Nguyễn Thị Thu Hà" in informed  # anyone but oneself is informed
    body = {"data": {"y_kien_chi_dao": "Tự giải quyết", "lead_user_id": office.leader.id}}
    response = client.post(f"/api/v1/tasks/{task.id}/complete", json=body, headers=api_token(office.leader))
    assert response.status_code == 422 and "lead_user_id" in response.json["details"]


def test_what_was_said_on_the_way_is_on_the_specialist_s_task(client, incoming_office, signed_pdf, frozen_clock):
    # The unit leader's ý kiến when assigning, and a coordinating unit's opinion: on the task page, the lead told.
    import sqlalchemy as sa

    from app.notifications.models import Notification
    from tests.incoming.test_handling import direct

    office = incoming_office
    document, instance, task = registered(office, signed_pdf)
    direct(office, task, lead_unit_id=office.unit_a.id, han_xu_ly="2026-11-27", coordinate_unit_ids=[office.unit_b.id])
    assign = next(t for t in open_tasks(instance) if t.task_name == "assign_specialist")
    note = "Đồng chí Bảo nghiên cứu, tham mưu trả lời trước 26/11."
    wf.complete_task(office.unit_leader, assign.id, {"lead_user_id": office.spec_a1.id, "y_kien_phan_cong": note})
    opinion = next(t for t in open_tasks(instance) if t.task_name == "give_opinion")
    wf.complete_task(office.spec_b, opinion.id, {"y_kien_phoi_hop": "Phòng Kinh tế thống nhất."})
    handle = next(t for t in open_tasks(instance) if t.task_name == "handle_document")
    login(client, "cv.a1")
    page = client.get(f"/tasks/{handle.id}").get_data(as_text=True)
    summary = page.split('data-testid="summary-notes"')[1].split("</ul>")[0]
    assert "Ý kiến phân công" in summary and note in summary and "Phạm Thị Lan" in summary
    assert "Ý kiến phối hợp · Phòng Kinh tế" in summary and "Phòng Kinh tế thống nhất." in summary
    told = db.session.scalars(sa.select(Notification).where(Notification.kind == "incoming_opinion")).all()
    assert [(n.user_id, n.object_id) for n in told] == [(office.spec_a1.id, str(document.id))]


def test_an_extension_request_waits_on_the_deciders_home_page(client, incoming_office, signed_pdf, frozen_clock):
    office = incoming_office
    document, _instance, _handle = in_handling(office, signed_pdf)
    extension = handling.request_extension(
        office.spec_a1, document.id, reason="Chờ số liệu của các xã", proposed_date=date(2026, 12, 2)
    )
    login(client, "truongphong")
    home = client.get("/").get_data(as_text=True)
    panel = home.split('data-testid="home-panel-incoming_extensions"')[1].split("</section>")[0]
    assert "Võ Quốc Bảo đề nghị gia hạn đến 02/12/2026" in panel and f"/incoming/{document.id}#xu-ly" in panel
    handling.decide_extension(office.unit_leader, document.id, extension.id, approve=True)
    assert 'data-testid="home-panel-incoming_extensions"' not in client.get("/").get_data(as_text=True)


def test_a_task_is_not_offered_to_hand_to_oneself(client, incoming_office, signed_pdf, frozen_clock):
    # The unit's only leader opens its "Phân công chuyên viên": "Chuyển cho" would list only herself — not shown.
    from tests.incoming.test_handling import direct

    office = incoming_office
    _document, instance, task = registered(office, signed_pdf)
    direct(office, task, lead_unit_id=office.unit_a.id, han_xu_ly="2026-11-27")
    assign = next(t for t in open_tasks(instance) if t.task_name == "assign_specialist")
    login(client, "truongphong")
    page = client.get(f"/tasks/{assign.id}").get_data(as_text=True)
    assert "Phân công chuyên viên" in page and 'id="reassign-user"' not in page

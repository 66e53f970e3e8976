"""The audit log's filters: the page, its CSV export and GET /api/v1/audit accept and refuse the same things."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit import filters
from app.audit import services as audit
from app.audit.models import AuditEvent
from app.core.db import db
from app.core.transaction import unit_of_work
from tests.conftest import login


@pytest.fixture
def log(frozen_clock, create_agency, create_user):
    """Two agencies under one administrator, one outside; events on three days (Vietnamese dates 21–23/11/2026)."""
    top = create_agency(name="UBND tỉnh thử")
    child = create_agency(name="Sở thử", parent_id=top.id)
    other = create_agency(name="Tỉnh khác")
    admin = create_user(roles=("quan_tri",), agency=top, username="qt.tinh")
    clerk = create_user(agency=child, username="vt.so", full_name="Văn Thư Sở")
    stranger = create_user(agency=other, username="ng.khac")
    with unit_of_work():
        pass  # the fixtures' own events take their places first
    frozen_clock.set(frozen_clock() - timedelta(days=2))
    for actor, action, kind, agency, text in [
        (clerk, "incoming.register", "incoming_document", child, "Đăng ký văn bản đến số 12 về ngân sách"),
        (admin, "user.deactivate", "user_account", top, "Vô hiệu hóa tài khoản vt.cu"),
        (stranger, "incoming.register", "incoming_document", other, "Đăng ký văn bản đến ở tỉnh khác ngân sách"),
    ]:
        with unit_of_work():
            audit.record(actor, action, object_type=kind, object_id=1, agency_id=agency.id, summary=text)
        frozen_clock.advance(days=1)
    return {"top": top, "child": child, "other": other, "admin": admin}


def summaries(events) -> list[str]:
    return [e.summary for e in events]


def search(log, **args):
    found, problems = filters.parse_filters(args)
    assert problems == {}
    return summaries(filters.search({log["top"].id, log["child"].id}, found))


def test_each_filter_narrows_and_other_agencies_never_show(log):
    everything = search(log)
    assert "Đăng ký văn bản đến ở tỉnh khác ngân sách" not in everything
    assert search(log, actor="VT.SO") == ["Đăng ký văn bản đến số 12 về ngân sách"]
    assert search(log, actor="vt.s") == search(log, actor="Thư Sở") == ["Đăng ký văn bản đến số 12 về ngân sách"]
    # Words of the name in any order, without diacritics or in capitals
    assert search(log, actor="so van thu") == search(log, actor="VĂN SỞ") == ["Đăng ký văn bản đến số 12 về ngân sách"]
    assert search(log, action="user.deactivate") == ["Vô hiệu hóa tài khoản vt.cu"]
    assert search(log, object_type="incoming_document") == ["Đăng ký văn bản đến số 12 về ngân sách"]
    assert search(log, agency_id=str(log["top"].id), action="user.deactivate") == ["Vô hiệu hóa tài khoản vt.cu"]
    assert search(log, q="ngân sách") == ["Đăng ký văn bản đến số 12 về ngân sách"]
    # The words typed together, from a word's start, with diacritics or without, in capitals or not
    assert search(log, q="VE NGAN SACH") == search(log, q="số 12") == ["Đăng ký văn bản đến số 12 về ngân sách"]
    assert search(log, q="vo hieu") == ["Vô hiệu hóa tài khoản vt.cu"]
    assert search(log, q="ngan sach dang ky") == search(log, q="an sach") == search(log, q="hieu vo") == []
    # … or the action's label ("Đăng ký văn bản đến" is incoming.register's, said in the Hành động column)
    assert search(log, q="dang ky van ban den") == ["Đăng ký văn bản đến số 12 về ngân sách"]
    assert search(log, q="vô hiệu hóa tài khoản") == ["Vô hiệu hóa tài khoản vt.cu"]
    assert search(log, q="100%") == []  # a wildcard typed is a character searched for


def test_dates_are_vietnamese_days_and_to_includes_the_whole_day(log):
    # Events at 09:00 on 21/11 and 22/11 (Việt Nam); the fixtures' at 09:00 on 23/11.
    assert search(log, date_from="2026-11-22", date_to="2026-11-22") == ["Vô hiệu hóa tài khoản vt.cu"]
    assert search(log, date_to="2026-11-21") == ["Đăng ký văn bản đến số 12 về ngân sách"]


def test_bad_filters_are_named_field_by_field():
    found, problems = filters.parse_filters(
        {"date_from": "21/11/2026", "agency_id": "abc", "q": "x" * 201, "action": "user.create"}
    )
    assert set(problems) == {"date_from", "agency_id", "q"}
    assert found.action == "user.create" and found.date_from is None
    _found, problems = filters.parse_filters({"date_from": "2026-11-23", "date_to": "2026-11-22"})
    assert "date_to" in problems


def test_page_filters_and_pages_keep_the_filter(client, log):
    login(client, "qt.tinh")
    page = client.get("/admin/audit?action=incoming.register").get_data(as_text=True)
    assert "Đăng ký văn bản đến số 12" in page and "vt.cu" not in page
    assert 'value="incoming.register" selected' in page
    assert '<option value="incoming_document">Văn bản đến</option>' in page  # object types by their Vietnamese name
    bad = client.get("/admin/audit?date_from=hom-qua").get_data(as_text=True)
    assert "Ngày không hợp lệ" in bad


def test_page_with_dates_the_wrong_way_round_keeps_both_and_lists_nothing(client, log):
    login(client, "qt.tinh")
    response = client.get("/admin/audit?actor=vt.so&date_from=2026-12-08&date_to=2026-12-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“Đến ngày” phải sau hoặc bằng “Từ ngày”." in page
    assert 'name="date_from" value="2026-12-08"' in page and 'name="date_to" value="2026-12-01"' in page
    assert "Đăng ký văn bản đến số 12" not in page  # the other fields' rows would look like the answer
    assert "Sửa điều kiện lọc để xem nhật ký." in page


def test_csv_export_is_filtered_safe_and_audited(client, log):
    with unit_of_work():
        audit.record(log["admin"], "user.update", object_type="user_account", summary='=HYPERLINK("x")')
    login(client, "qt.tinh")
    response = client.get("/admin/audit.csv?actor=qt.tinh")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "seq" and rows[0][5] == "action_label"
    assert all(r[2] == "qt.tinh" for r in rows[1:])
    assert [r[8] for r in rows[1:] if "HYPERLINK" in r[8]] == ['\'=HYPERLINK("x")']
    assert "Vô hiệu hóa tài khoản" in {r[5] for r in rows[1:]}
    exported = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "audit.export"))
    assert exported.changes["filters"] == {"actor": "qt.tinh"}
    assert client.get("/admin/audit.csv?date_to=x").status_code == 422


def test_api_filters_pages_and_refuses_bad_input(client, log, api_token, create_user):
    headers = api_token(log["admin"])
    first = client.get("/api/v1/audit?limit=1&q=ngân sách", headers=headers)
    assert first.status_code == 200
    assert [e["summary"] for e in first.json["items"]] == ["Đăng ký văn bản đến số 12 về ngân sách"]
    assert first.json["items"][0]["action_label"] == "Đăng ký văn bản đến"
    everything = client.get("/api/v1/audit?limit=2", headers=headers).json
    after = client.get(f"/api/v1/audit?limit=2&after={everything['next_cursor']}", headers=headers).json
    assert everything["items"][-1]["seq"] > after["items"][0]["seq"]
    bad = client.get("/api/v1/audit?date_from=2026-13-01", headers=headers)
    assert bad.status_code == 422 and bad.json["code"] == "audit_filter_invalid" and "date_from" in bad.json["details"]
    nobody = api_token(create_user(agency=log["top"]))
    assert client.get("/api/v1/audit", headers=nobody).status_code == 403


def test_refused_sign_ins_are_by_someone_not_signed_in_and_reach_the_top_administrator(app, client, log, create_user):
    create_user(roles=("quan_tri",), agency=log["child"], username="qt.so")
    login(client, "vt.so", "sai-mat-khau-1")
    login(client, "khong.co.ai", "Mat-khau-go-nham-1")
    refused = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "auth.login_failed")).all()
    assert {(e.actor_id, e.actor_name, e.agency_id) for e in refused} == {
        (None, "(chưa đăng nhập) vt.so", log["child"].id),
        (None, "(chưa đăng nhập)", None),  # the name tried is not kept: it may be a password
    }
    login(client, "qt.tinh")
    top = client.get("/admin/audit?action=auth.login_failed").get_data(as_text=True)
    assert "(chưa đăng nhập) vt.so" in top and "Đăng nhập sai: tên lạ" in top and "khong.co.ai" not in top
    by_name = client.get("/admin/audit?actor=vt.so").get_data(as_text=True)  # a name finds the attempts under it
    assert "(chưa đăng nhập) vt.so" in by_name and "tên lạ" not in by_name
    other = app.test_client()
    login(other, "qt.so")
    child = other.get("/admin/audit?action=auth.login_failed").get_data(as_text=True)
    assert "(chưa đăng nhập) vt.so" in child and "Đăng nhập sai: tên lạ" not in child

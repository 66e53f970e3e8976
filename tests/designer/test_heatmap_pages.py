"""The heatmap page, its fragments and the REST API: who may read them, and what they show."""

from app.designer import heatmap
from tests.conftest import login
from tests.designer.heatmap_history import history_fixture  # noqa: F401  (the `history` fixture)

API = "/api/v1/designer/processes/incoming"


def test_the_leader_opens_the_heatmap(app, client, history):
    login(client, "lanhdao.snv")
    page = client.get("/designer/incoming/heatmap?metric=overdue")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Điểm nghẽn: Xử lý văn bản đến" in html and "từ ngày 26/08/2026 đến ngày 23/11/2026" in html
    assert "44,4%" in html and "2 giờ làm việc" in html and "bpmn-navigated-viewer" in html
    assert 'value="overdue" selected' in html
    # The reports page links to it for those who may read it.
    dashboard = client.get("/reports/dashboard").get_data(as_text=True)
    assert "/designer/incoming/heatmap" in dashboard


def test_a_bad_period_falls_back_to_the_default(client, history):
    login(client, "thietke")
    html = client.get("/designer/incoming/heatmap?from=2026-12-01&to=2026-11-01").get_data(as_text=True)
    assert "Ngày kết thúc phải sau" in html and "từ ngày 26/08/2026" in html


def test_fragments(client, history):
    login(client, "quantri.snv")
    slowest = client.get("/designer/incoming/heatmap/check_document/slowest?from=2026-11-01&to=2026-11-30")
    html = slowest.get_data(as_text=True)
    assert slowest.status_code == 200 and "Tờ trình chậm nhất" in html
    assert f"/cases/{history.c9.instance_id}" in html and "4,5 giờ làm việc" in html  # 270 minutes late
    whatif = client.get(
        "/designer/incoming/heatmap/whatif",
        query_string={"task_name": "check_document", "sla": "PT1H", "from": "2026-11-01", "to": "2026-11-30"},
    )
    assert "6/8 việc (75,0%) sẽ quá hạn với thời hạn mới, so với 3/8 hiện nay" in whatif.get_data(as_text=True)
    assert (
        "Việc khẩn (K) — 1 trong 8 việc — vẫn tính theo hạn khẩn: thời hạn khẩn “urgent” trên sơ đồ"
        in whatif.get_data(as_text=True)
    )
    urgent = client.get(
        "/designer/incoming/heatmap/whatif",
        query_string={"task_name": "check_document", "sla": "PT6H", "urgent_sla": "PT2H", "from": "2026-11-01"},
    )
    assert "2/8 việc" in urgent.get_data(as_text=True) and "“PT2H” vừa nhập" in urgent.get_data(as_text=True)
    refused = client.get("/designer/incoming/heatmap/whatif", query_string={"task_name": "check_document", "sla": "x"})
    assert refused.status_code == 422 and "không hợp lệ" in refused.get_data(as_text=True)


def test_who_may_read(app, client, history, create_user):
    login(client, "vanthu.snv")
    assert client.get("/designer/incoming/heatmap").status_code == 403
    assert client.get("/designer/incoming/heatmap/check_document/slowest").status_code == 403
    assert "/designer/incoming/heatmap" not in client.get("/reports/dashboard").get_data(as_text=True)
    designer = app.test_client()
    login(designer, "thietke")
    assert designer.get("/designer/nothing/heatmap").status_code == 404
    assert "/designer/incoming/heatmap" in designer.get("/designer").get_data(as_text=True)


def test_api(client, history, api_token):
    headers = api_token(history.office.designer)
    body = client.get(f"{API}/heatmap", headers=headers).get_json()
    assert (body["from"], body["to"]) == ("2026-08-26", "2026-11-23")
    check = next(t for t in body["tasks"] if t["task_name"] == "check_document")
    assert (check["completed"], check["median_minutes"], check["p90_minutes"], check["overdue_rate"]) == (
        8,
        120,
        390,
        44.4,
    )
    slow = client.get(f"{API}/heatmap/check_document/slowest?from=2026-11-01&to=2026-11-30", headers=headers).get_json()
    assert [c["working_minutes"] for c in slow][:3] == [390, 210, 180] and slow[0]["late_minutes"] == 270
    answer = client.post(f"{API}/whatif", json={"task_name": "check_document", "sla": "P1D"}, headers=headers)
    assert answer.status_code == 200
    assert (answer.get_json()["overdue_new"], answer.get_json()["overdue_now"], answer.get_json()["total"]) == (0, 3, 8)
    urgent = client.post(
        f"{API}/whatif", json={"task_name": "check_document", "sla": "PT6H", "urgent_sla": "PT2H"}, headers=headers
    ).get_json()
    assert (urgent["overdue_new"], urgent["urgent_total"], urgent["urgent_sla"], urgent["urgent_sla_typed"]) == (
        2,
        1,
        "PT2H",
        True,
    )
    bad = client.post(f"{API}/whatif", json={"task_name": "check_document", "sla": "P1DT1H"}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["code"] == "invalid_sla"
    period = client.get(f"{API}/heatmap?from=2026-11-30&to=2026-11-01", headers=headers)
    assert period.status_code == 422 and period.get_json()["code"] == "period_reversed"


def test_api_permissions(client, history, api_token, create_user):
    clerk = client.get(f"{API}/heatmap", headers=api_token(history.office.clerk))
    assert clerk.status_code == 403
    outsider = create_user(roles=("thiet_ke",), agency=history.other)
    theirs = client.get(f"{API}/heatmap", headers=api_token(outsider)).get_json()
    check = next(t for t in theirs["tasks"] if t["task_name"] == "check_document")
    assert check["completed"] == 2  # only their own agency's rows
    assert client.get("/api/v1/designer/processes/nothing/heatmap", headers=api_token(outsider)).status_code == 404
    assert heatmap.require_reader(history.office.leader) is history.office.leader

"""The designer changes Sở Nội vụ's incoming flow in the browser — an SLA changed and a step added through the
properties panel — and deploys it: a new document follows the new version and gets the new deadline, a case
started before keeps its version. An invalid deploy shows the problem on its element and deploys nothing.

SNV, not UBND, so the other browser tests' UBND flows are untouched; the original is deployed back at the end.
"""

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.config import PROJECT_ROOT
from app.core.db import db
from tests.e2e.conftest import sign_in
from tests.signing import factories

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("QLVB_E2E_SHOTS", "/tmp/qlvb-designer-shots"))  # each step, to look at
INCOMING = (PROJECT_ROOT / "processes" / "incoming.bpmn").read_text(encoding="utf-8")

ADD_STEP = """() => {
  const m = window.qlvbModeler, registry = m.get("elementRegistry"), modeling = m.get("modeling");
  const flow = registry.get("f_registered"), target = registry.get("direct_handling");
  const lane = registry.get("lane_leader");
  const shape = modeling.createShape({ type: "bpmn:UserTask" },
    { x: target.x + target.width / 2, y: lane.y + lane.height - 45 }, registry.get("participant_agency"));
  modeling.reconnectEnd(flow, shape, { x: shape.x, y: shape.y + shape.height / 2 });
  modeling.connect(shape, target);
  return shape.id;
}"""


def in_app(app, func, *args):
    """Read or write the live app's database off Playwright's thread."""

    def call():
        with app.app_context():
            return func(*args)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call).result()


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def snv_incoming_state():
    from app.org.models import Agency
    from app.workflow.definitions import newest_version
    from app.workflow.models import WorkflowInstance

    agency = db.session.scalar(sa.select(Agency).where(Agency.abbreviation == "SNV"))
    cases = db.session.scalars(
        sa.select(WorkflowInstance).where(
            WorkflowInstance.agency_id == agency.id, WorkflowInstance.process_id == "incoming"
        )
    ).all()
    return agency.id, newest_version("incoming", agency.id).id, {c.id: c.process_version_id for c in cases}


def check_task_of_newest_case(agency_id: int):
    from app.sla.settings import step_due
    from app.workflow.models import HumanTask, WorkflowInstance

    case = db.session.scalar(
        sa.select(WorkflowInstance)
        .where(WorkflowInstance.agency_id == agency_id, WorkflowInstance.process_id == "incoming")
        .order_by(WorkflowInstance.id.desc())
        .limit(1)
    )
    task = db.session.scalar(
        sa.select(HumanTask).where(HumanTask.instance_id == case.id, HumanTask.task_name == "check_document")
    )
    expected = step_due(task.created_at, sla="PT4H", urgent_sla="urgent", agency_id=agency_id, level=None)
    return case.id, case.process_version_id, task.due_at, expected


def case_is_open(case_id: int) -> bool:
    from app.designer.queries import OPEN_STATUSES
    from app.workflow.models import WorkflowInstance

    return db.session.get(WorkflowInstance, case_id).status in OPEN_STATUSES


def deploy_original_back(agency_id: int) -> None:
    from app.audit.context import origin
    from app.core.transaction import unit_of_work
    from app.org.models import User
    from app.workflow.definitions import deploy

    designer = db.session.scalar(sa.select(User).where(User.username == "snv.quantri"))
    with origin("cli", "e2e"), unit_of_work():
        deploy(designer, INCOMING, "incoming.bpmn", agency_id=agency_id, comment="Trả lại bản gốc sau kiểm thử")


def select(page, element_id: str) -> None:
    """Click an element on the canvas near its top-left corner (flows may cross its middle)."""
    page.locator(f"[data-element-id='{element_id}'] > .djs-hit").click(position={"x": 8, "y": 8})


def open_incoming(page):
    page.goto("/designer")
    row = page.get_by_role("row", name="Xử lý văn bản đến")
    row.get_by_role("link", name="Mở thiết kế").click()
    expect(page.locator("[data-element-id='check_document']")).to_be_visible()


def designer_on_incoming(browser, live_server):
    """snv's process designer, signed in, on the incoming process in the modeler."""
    page = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1440, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "snv.quantri")
    open_incoming(page)
    return page


def test_designer_changes_the_incoming_flow_and_new_documents_follow_it(browser, live_server, live_app, tmp_path):
    agency_id, version_before, cases_before = in_app(live_app, snv_incoming_state)
    page = designer_on_incoming(browser, live_server)
    expect(page.locator(".bjs-powered-by")).to_be_visible()  # the bpmn.io watermark
    shot(page, "01-opened")

    # Change the SLA of "Kiểm tra văn bản đến" in the panel, with the live deadline preview.
    select(page, "check_document")
    sla = page.locator("#bio-properties-panel-qlvb-sla")
    expect(sla).to_have_value("intake")
    preview = page.locator("[data-preview='sla']")
    expect(preview).to_contain_text("Nếu nhận lúc này, hạn là")
    before = preview.inner_text()
    sla.fill("PT4H")
    expect(preview).not_to_have_text(before)  # recomputed by the server for the new value
    expect(preview).to_contain_text("Nếu nhận lúc này, hạn là")
    shot(page, "02-sla")

    # Add a step between "Cấp số đến" and "Cho ý kiến chỉ đạo", then set its properties through the panel.
    step_id = page.evaluate(ADD_STEP)
    select(page, step_id)
    page.locator("#bio-properties-panel-name").fill("Xem xét sơ bộ")
    page.locator("#bio-properties-panel-qlvb-form").select_option("direct_handling")
    page.locator("#bio-properties-panel-qlvb-sla").fill("PT8H")
    expect(page.locator("[data-preview='sla']")).to_contain_text("Nếu nhận lúc này, hạn là")
    shot(page, "03-step")

    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.get_by_role("status")).to_have_text("Quy trình hợp lệ, có thể triển khai.")
    page.get_by_label("Ghi chú phiên bản").fill("Kiểm tra trong 4 giờ; thêm bước xem xét sơ bộ")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Triển khai").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Đã triển khai phiên bản \d+ của cơ quan\."))
    expect(page.locator("[data-version-label]")).to_contain_text("của cơ quan")
    shot(page, "04-deployed")
    running = sum(1 for case_id in cases_before if in_app(live_app, case_is_open, case_id))
    keep = f" {running} hồ sơ đang xử lý giữ phiên bản cũ." if running else ""
    assert asked == [
        f"Triển khai phiên bản mới của quy trình “Xử lý văn bản đến”? Các hồ sơ mới sẽ dùng phiên bản này.{keep}"
    ]

    _, version_after, cases_after = in_app(live_app, snv_incoming_state)
    assert version_after != version_before
    assert {k: cases_after[k] for k in cases_before} == cases_before  # running cases keep their version

    # The clerk receives a new document: its case runs on the new version, with the new deadline.
    pdf = tmp_path / "cong-van.pdf"
    pdf.write_bytes(factories.make_pdf("Công văn số 77/UBND-VP"))
    clerk = browser.new_context(base_url=live_server, locale="vi-VN").new_page()
    clerk.set_default_timeout(15_000)
    sign_in(clerk, "snv.vanthu")
    clerk.get_by_role("link", name="Văn bản đến", exact=True).click()
    clerk.get_by_role("link", name="Tiếp nhận văn bản").click()
    clerk.get_by_label("Tệp văn bản").set_input_files(str(pdf))
    clerk.locator("#sender_name").fill("Ủy ban nhân dân thành phố Rạch Giá")
    clerk.locator("#code_number").fill("77")
    clerk.get_by_label("Ký hiệu").fill("UBND-VP")
    clerk.get_by_label("Tên loại").select_option(label="Công văn")
    clerk.get_by_label("Trích yếu nội dung").fill("Về việc thử quy trình mới của Sở Nội vụ")
    clerk.get_by_role("button", name="Tiếp nhận").click()
    expect(clerk.get_by_test_id("incoming-status")).to_have_text("Chờ tiếp nhận")
    case_id, case_version, due_at, expected = in_app(live_app, check_task_of_newest_case, agency_id)
    assert case_id not in cases_before and case_version == version_after
    assert due_at == expected
    clerk.context.close()

    in_app(live_app, deploy_original_back, agency_id)
    page.context.close()


def test_an_invalid_deploy_is_pinned_on_its_element_and_deploys_nothing(browser, live_server, live_app):
    _, version_before, _ = in_app(live_app, snv_incoming_state)
    page = designer_on_incoming(browser, live_server)
    select(page, "register_document")
    page.locator("#bio-properties-panel-qlvb-form").select_option("")
    select(page, "check_document")
    page.locator("#bio-properties-panel-qlvb-sla").fill("hai ngày")
    error = page.locator("[data-entry-id='qlvb-sla'] .bio-properties-panel-error")  # red, the panel's error style
    expect(error).to_contain_text("Không hợp lệ")
    expect(page.locator("[data-entry-id='qlvb-sla']")).to_have_class(re.compile("has-error"))
    expect(page.locator("[data-preview='sla']")).to_have_text("")  # no grey preview for a refused value
    shot(page, "05a-sla-error")
    page.get_by_label("Ghi chú phiên bản").fill("Bản lỗi")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Triển khai").click()
    expect(page.get_by_role("status")).to_contain_text("chưa được triển khai")
    for element in ("check_document", "register_document"):
        expect(page.locator(f".qlvb-problem-badge[data-element='{element}']")).to_be_visible()
        expect(page.locator(f"[data-element-id='{element}']")).to_have_class(re.compile("qlvb-error"))
    problems = page.locator("[data-problems]")
    expect(problems).to_contain_text("công việc chưa gắn biểu mẫu")
    expect(problems).to_contain_text("hai ngày")
    problems.get_by_role("button", name="Vào sổ văn bản đến").click()
    expect(page.locator("#bio-properties-panel-name")).to_have_value("Vào sổ văn bản đến")
    shot(page, "05-refused")
    assert in_app(live_app, snv_incoming_state)[1] == version_before
    page.context.close()


def test_a_step_cut_off_from_the_flow_is_refused_and_linted_in_vietnamese(browser, live_server):
    """Deleting the only flow into “Giải quyết văn bản”: the lint on the canvas and the server's check both say so."""
    page = designer_on_incoming(browser, live_server)
    page.evaluate("""() => {
      const m = window.qlvbModeler;
      m.get("modeling").removeElements([m.get("elementRegistry").get("f_to_handle")]);
    }""")
    lint = page.locator(".djs-overlays[data-container-id='handle_document'] .bjsl-overlay")
    expect(lint).to_contain_text("Bắt đầu ngầm: không có luồng nào dẫn tới bước này")
    expect(page.locator(".djs-overlays .bjsl-overlay", has_text="Element is")).to_have_count(0)
    expect(page.locator(".bjsl-button")).to_have_attribute("title", "Bật/tắt đánh dấu lỗi trên sơ đồ")
    english = page.locator("[title='Toggle section'], [title='Open pop-up editor'], [title='Toggle linting overlays']")
    expect(english).to_have_count(0)
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.get_by_role("status")).to_have_text("Có 1 lỗi, xem trên sơ đồ và danh sách bên phải.")
    expect(page.locator("[data-problems]")).to_contain_text(
        "bước “Giải quyết văn bản” không có luồng nào dẫn tới: quy trình sẽ không bao giờ đến bước này"
    )
    expect(page.locator(".qlvb-problem-badge[data-element='handle_document']")).to_be_visible()
    page.context.close()


def test_a_declined_deploy_sends_nothing(browser, live_server, live_app):
    _, version_before, _ = in_app(live_app, snv_incoming_state)
    page = designer_on_incoming(browser, live_server)
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/deploy" in request.url else None)
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_label("Ghi chú phiên bản").fill("Không triển khai")
    page.get_by_role("button", name="Triển khai").click()
    expect(page.get_by_role("button", name="Triển khai")).to_be_enabled()
    assert asked and asked[0].startswith("Triển khai phiên bản mới của quy trình “Xử lý văn bản đến”?")
    assert sent == [] and page.get_by_role("status").is_hidden()
    assert in_app(live_app, snv_incoming_state)[1] == version_before
    page.context.close()


def test_a_lost_connection_is_said_and_the_buttons_work_again(browser, live_server):
    """fetch rejects when no answer comes (server down): the status says so instead of waiting for ever."""
    page = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1440, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, "snv.quantri")
    open_incoming(page)
    requests = re.compile(r"/designer/incoming/(check|deploy)$")
    page.route(requests, lambda route: route.abort())
    check, deploy = page.get_by_role("button", name="Kiểm tra"), page.get_by_role("button", name="Triển khai")
    check.click()
    expect(page.get_by_role("status")).to_have_text("Không kết nối được máy chủ, vui lòng thử lại.")
    expect(check).to_be_enabled()
    page.get_by_label("Ghi chú phiên bản").fill("Mất kết nối")
    page.once("dialog", lambda dialog: dialog.accept())
    deploy.click()
    expect(page.get_by_role("status")).to_have_text("Không kết nối được máy chủ, vui lòng thử lại.")
    expect(deploy).to_be_enabled()
    expect(check).to_be_enabled()
    page.unroute(requests)
    check.click()  # the server answers again: the same buttons work
    expect(page.get_by_role("status")).to_have_text("Quy trình hợp lệ, có thể triển khai.")
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("process_id", ["incoming", "outgoing", "dossier", "work_assignment"])
def test_shipped_processes_round_trip_through_the_modeler(browser, live_server, process_id, tmp_path):
    """Opened and saved by bpmn-js, every shipped process keeps its spiffworkflow extensions and still passes
    the deploy checks; a downloaded file opens again in the modeler."""
    page = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1440, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "snv.quantri")
    page.goto(f"/designer/{process_id}/edit")
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.get_by_role("status")).to_have_text("Quy trình hợp lệ, có thể triển khai.")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải về .bpmn").click()
    saved = download.value.path().read_text(encoding="utf-8")
    original = (PROJECT_ROOT / "processes" / f"{process_id}.bpmn").read_text(encoding="utf-8")
    for tag in (
        "spiffworkflow:property ",
        "spiffworkflow:serviceTaskOperator",
        "spiffworkflow:parameter ",
        "bpmn:loopDataInputRef",
    ):
        assert saved.count(f"<{tag}") == original.count(f"<{tag}"), tag
    edited = tmp_path / f"{process_id}.bpmn"
    edited.write_text(saved.replace('name="lanh_dao"', 'name="khong_la_vai_tro"'), encoding="utf-8")
    page.locator("[data-file]").set_input_files(str(edited))
    expect(page.get_by_role("status")).to_contain_text(f"Đã mở tệp {process_id}.bpmn")
    if 'name="lanh_dao"' in saved:
        page.get_by_role("button", name="Kiểm tra").click()
        expect(page.locator("[data-problems]")).to_contain_text("khong_la_vai_tro")
    page.context.close()


def canvas_box(page):
    return page.locator(".qlvb-modeler").bounding_box()


def test_messages_do_not_push_the_canvas_off_a_short_screen(browser, live_server):
    """At 1366×800 the canvas fits the window, and neither the status nor the problem list moves it."""
    page = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1366, "height": 800}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "snv.quantri")
    open_incoming(page)
    before = canvas_box(page)
    assert before["y"] + before["height"] <= 800
    shot(page, "06-short-screen")
    select(page, "register_document")
    page.locator("#bio-properties-panel-qlvb-form").select_option("")
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.get_by_role("status")).to_contain_text("Có 1 lỗi")
    expect(page.locator("[data-problems]")).to_contain_text("công việc chưa gắn biểu mẫu")
    shot(page, "07-short-screen-problems")
    after = canvas_box(page)
    assert (after["y"], after["height"]) == (before["y"], before["height"])
    status = page.get_by_role("status").bounding_box()
    assert status["y"] + status["height"] <= 800
    problems = page.locator("[data-problems]").bounding_box()
    assert problems["y"] + problems["height"] <= 800
    page.context.close()

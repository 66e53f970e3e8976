"""A designer's versions page in the browser: compare two versions of a process, then roll back.

Runs as rachgia.quantri (designer of another demo agency than UBND, whose flows the other browser tests use), on
work_assignment (Giao việc), which no other browser test drives.
"""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from app.audit.context import origin
from app.core.transaction import unit_of_work
from app.org.queries import find_user_by_username
from app.workflow.definitions import deploy, newest_version
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

PROCESS = "work_assignment"


def deploy_shorter_sla(live_app) -> SimpleNamespace:
    """rachgia's own version of Giao việc: carry_out_work's SLA → P3D (what a designer would deploy), on top of
    whatever rachgia runs now (the global default when this test runs alone)."""
    with live_app.app_context(), origin("cli", "e2e"), unit_of_work():
        designer = find_user_by_username("rachgia.quantri")
        before = newest_version(PROCESS, designer.agency_id)
        carry_out = re.compile(r'(<bpmn:userTask id="carry_out_work".*?name="sla" value=")[^"]*(")', re.S)
        xml, replaced = carry_out.subn(r"\g<1>P3D\g<2>", before.bpmn_xml, count=1)
        assert replaced and xml != before.bpmn_xml
        [own] = deploy(
            designer,
            xml,
            "work_assignment.bpmn",
            agency_id=designer.agency_id,
            forms=dict(before.forms),
            source="e2e",
            comment="Rút ngắn thời hạn thực hiện còn 3 ngày",
            based_on=before,
        )
        old_sla = carry_out.search(before.bpmn_xml).group(0).rsplit('"', 2)[1]
        return SimpleNamespace(
            before_id=before.id,
            before=before.version,
            is_global=before.agency_id is None,
            old_sla=old_sla,
            own_id=own.id,
            own=own.version,
        )


def test_a_designer_compares_two_versions_and_rolls_back(live_app, page, tmp_path):
    v = deploy_shorter_sla(live_app)
    shipped_id, own_id = v.before_id, v.own_id
    sign_in(page, "rachgia.quantri")
    page.goto("/designer")
    page.get_by_role("row", name=re.compile("Giao việc")).get_by_role("link", name="Phiên bản").click()
    expect(page.get_by_role("heading", name="Phiên bản của quy trình “Giao việc”")).to_be_visible()
    own_row = page.locator(f'tr[data-version-id="{own_id}"]')
    expect(own_row).to_contain_text("Hiện hành")
    expect(own_row).to_contain_text("Rút ngắn thời hạn thực hiện còn 3 ngày")
    expect(page.locator(f'tr[data-version-id="{shipped_id}"]')).to_contain_text("Mặc định toàn hệ thống")
    page.screenshot(path=str(tmp_path / "versions-list.png"), full_page=True)

    own_row.get_by_role("link", name="Xem").click()
    expect(page.locator("[data-bpmn-view][data-diff-ready=true]")).to_be_attached(timeout=15000)
    expect(page.locator('g.djs-element[data-element-id="carry_out_work"]')).to_be_visible()
    page.screenshot(path=str(tmp_path / "versions-show.png"), full_page=True)
    page.go_back()

    # The newest (B) and the one before it (A) are chosen already.
    page.get_by_role("button", name="So sánh hai phiên bản đã chọn").click()
    expect(page.locator("[data-bpmn-compare][data-diff-ready=true]")).to_be_attached(timeout=15000)
    changed = page.locator('[data-side="b"] g.djs-element[data-element-id="carry_out_work"]')
    expect(changed).to_have_class(re.compile("diff-changed"))
    expect(page.locator(".bjs-powered-by").first).to_be_visible()  # the bpmn.io watermark
    sla = page.locator('#property-diff tr[data-element-id="carry_out_work"]')
    expect(sla).to_contain_text("Thời hạn")
    expect(sla).to_contain_text(v.old_sla)
    expect(sla).to_contain_text("P3D")
    page.screenshot(path=str(tmp_path / "versions-compare.png"), full_page=True)

    page.get_by_role("link", name="Giao việc").click()
    page.locator(f'tr[data-version-id="{shipped_id}"]').get_by_role("button", name="Khôi phục").click()
    dialog = page.get_by_role("dialog")
    scope = ", mặc định toàn hệ thống" if v.is_global else " của cơ quan"
    expect(dialog).to_contain_text(f"Khôi phục phiên bản {v.before}{scope}?")
    dialog.get_by_label("Lý do khôi phục").fill("Thời hạn 3 ngày chưa phù hợp")
    expect(page.locator(".modal.show")).to_be_visible()
    page.screenshot(path=str(tmp_path / "versions-rollback.png"))
    dialog.get_by_role("button", name=f"Khôi phục phiên bản {v.before}{scope}").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Đã khôi phục: phiên bản {v.own + 1} của cơ quan")
    newest = page.locator("#versions-table tbody tr").first
    expect(newest).to_contain_text("Hiện hành")
    expect(newest).to_contain_text(f"Khôi phục phiên bản {v.before}{scope}: Thời hạn 3 ngày chưa phù hợp")
    expect(newest).to_contain_text(f"Phiên bản {v.before}")
    expect(newest).to_contain_text("Khôi phục")
    restored_from = page.locator(f'tr[data-version-id="{shipped_id}"]')
    expect(restored_from).to_contain_text("Đang dùng")
    expect(restored_from.get_by_role("button", name="Khôi phục")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "versions-restored.png"), full_page=True)

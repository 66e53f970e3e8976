"""The administrator's safety pages in a real browser (issue 15): a backup made from /admin/backups and checked
again, and an agency's policy for received PDFs with active content, which the clerk of that agency then meets.

The policy is set for Rạch Giá (an agency below the province, which ubnd.quantri manages), not for the province:
the live server is shared by every browser story, and the province's clerks upload files in theirs."""

import pytest
from playwright.sync_api import expect

from tests.documents import pdf_corpus
from tests.e2e.conftest import sign_in
from tests.e2e.helpers import person, receive_on_paper

pytestmark = pytest.mark.e2e


def test_backup_now_then_check_it_again(page, step):
    sign_in(page, "ubnd.quantri")
    page.goto("/admin")
    page.get_by_test_id("admin-card-backup.index").click()
    expect(page.get_by_role("heading", name="Sao lưu dữ liệu", exact=True)).to_be_visible()
    expect(page.get_by_test_id("restore-howto")).to_contain_text("qlvb restore")
    step(page, "trang sao lưu")

    page.get_by_test_id("backup-now").click()
    expect(page.get_by_text("Đã sao lưu: qlvb-backup-")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("backup-last-run")).to_contain_text("Thành công")
    row = page.get_by_test_id("backups").locator("tbody tr").first
    expect(row).to_contain_text(".tar")
    step(page, "đã sao lưu")

    row.get_by_role("button", name="Kiểm tra lại").click()
    expect(page.get_by_test_id("backups").locator("tbody tr").first).to_contain_text("Toàn vẹn")
    step(page, "kiểm tra lại bản sao lưu")


def test_an_agency_refuses_active_pdfs_and_its_clerk_is_told_why(browser, live_server, page, step, tmp_path):
    sign_in(page, "ubnd.quantri")
    page.goto("/admin")
    page.get_by_test_id("admin-card-upload_policy.index").click()
    # The agency first: the page then shows that agency's saved policy, the one the form saves.
    page.get_by_label("Cơ quan").select_option(label="Ủy ban nhân dân thành phố Rạch Giá")
    page.get_by_role("button", name="Xem chính sách").click()
    expect(page.get_by_test_id("upload-policy-of")).to_have_text("Chính sách của Ủy ban nhân dân thành phố Rạch Giá")
    form = page.get_by_test_id("upload-policy-form")
    expect(form.get_by_label("Gỡ bỏ nội dung chủ động, tiếp nhận bản sạch (mặc định)")).to_be_checked()
    form.get_by_label("Từ chối tiếp nhận tệp").check()
    step(page, "chọn từ chối tệp có nội dung chủ động")
    form.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu chính sách tệp PDF có nội dung chủ động.")).to_be_visible()
    chosen = page.get_by_label("Cơ quan").locator("option:checked")
    expect(chosen).to_have_text("Ủy ban nhân dân thành phố Rạch Giá")  # the page shows the agency just set
    expect(page.get_by_label("Từ chối tiếp nhận tệp")).to_be_checked()
    page.goto("/admin/upload-policy")  # the province, untouched, still disarms
    expect(page.get_by_test_id("upload-policy-of")).to_contain_text("tỉnh Kiên Giang")
    expect(page.get_by_label("Gỡ bỏ nội dung chủ động, tiếp nhận bản sạch (mặc định)")).to_be_checked()

    pdf = tmp_path / "cong-van-co-ma.pdf"
    pdf.write_bytes(pdf_corpus.javascript())
    clerk = person(browser, live_server, "rachgia.vanthu")
    sender, summary = "Sở Nội vụ tỉnh Kiên Giang", "Về tệp có mã JavaScript"
    receive_on_paper(clerk, [pdf], sender=sender, number="77", symbol="SNV-TCBC", summary=summary)
    # Told at the top of the page and under the file field: what the file carries, and that the agency refuses it.
    reason = clerk.get_by_text("có mã JavaScript: cơ quan không tiếp nhận tệp như vậy.")
    expect(reason).to_have_count(2)
    expect(clerk.get_by_label("Trích yếu nội dung")).to_have_value(summary)  # nothing lost
    step(clerk, "văn thư được báo lý do từ chối tệp")

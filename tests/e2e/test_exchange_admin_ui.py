"""The exchange administration in a real browser, as ubnd.quantri (the top-level agency's administrator): import
the agency directory from a CSV file, record a QĐ 09/2025 merge, pair with another deployment and see its secret
once."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

BAD_CSV = "ma_dinh_danh;ten_co_quan\n000.00.00.H13;UBND Thành phố Cần Thơ\n000.00.00.Z51;UBND tỉnh Sóc Trăng\n"
GOOD_CSV = (
    "\ufeffma_dinh_danh;ten_co_quan;he_thong;ghi_chu\n"
    "000.00.00.H13;UBND Thành phố Cần Thơ;;\n"
    "000.00.00.H51;UBND tỉnh Sóc Trăng;;sáp nhập 2025\n"
)


def upload(page, name: str, text: str) -> None:
    page.get_by_label("Tệp danh bạ").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}]
    )
    page.get_by_role("button", name="Nhập", exact=True).click()


def test_directory_import_merge_and_a_peer_secret_shown_once(page, step):
    sign_in(page, "ubnd.quantri")
    page.goto("/admin")
    page.get_by_test_id("admin-card-exchange.directory.index").click()
    expect(page.get_by_role("heading", name="Danh bạ liên thông", exact=True)).to_be_visible()
    expect(page.get_by_test_id("entry-000.00.00.G22")).to_contain_text("Văn phòng Chính phủ")  # the demo's
    step(page, "danh bạ liên thông của dữ liệu mẫu")

    page.get_by_role("link", name="Nhập từ tệp CSV/XML").click()
    upload(page, "danh-ba.csv", BAD_CSV)
    expect(page.get_by_test_id("import-errors")).to_contain_text("Dòng 3: Mã định danh “000.00.00.Z51”")
    step(page, "tệp có dòng lỗi: không ghi dòng nào")
    upload(page, "danh-ba.csv", GOOD_CSV)
    expect(page.get_by_text("Đã nhập danh bạ: thêm 2, cập nhật 0, không đổi 0.")).to_be_visible()
    step(page, "nhập danh bạ thành công")

    page.goto("/admin/exchange/directory?q=soc trang")
    row = page.get_by_test_id("entry-000.00.00.H51")
    expect(row).to_contain_text("Đang dùng")
    row.get_by_role("link", name="Sửa, sáp nhập").click()
    page.get_by_label("Sáp nhập vào mã định danh").fill("000.00.00.h13")
    step(page, "ghi nhận sáp nhập")
    page.get_by_role("button", name="Ghi nhận sáp nhập").click()
    expect(page.get_by_text("Đã ghi nhận 000.00.00.H51 sáp nhập vào 000.00.00.H13 (QĐ 09/2025).")).to_be_visible()
    page.get_by_label("Tình trạng").select_option(label="Đã sáp nhập")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_test_id("entry-000.00.00.H51")).to_contain_text("Đã sáp nhập vào 000.00.00.H13")
    step(page, "cơ quan đã sáp nhập")

    page.goto("/admin")
    page.get_by_test_id("admin-card-exchange.peers.index").click()
    page.get_by_role("link", name="Thêm hệ thống").click()
    page.get_by_label("Tên hệ thống").fill("Hệ thống QLVB TP Cần Thơ")
    page.get_by_label("Mã khóa").fill("kiengiang-cantho")
    page.get_by_label("Địa chỉ của hệ thống kia").fill("https://qlvb.cantho.example")
    step(page, "khai báo hệ thống liên thông")
    page.get_by_role("button", name="Lưu").click()
    secret = page.get_by_test_id("secret-value")
    expect(secret).to_be_visible()
    value = secret.inner_text().strip()
    assert len(value) >= 32
    step(page, "khóa bí mật hiện một lần")
    page.get_by_role("link", name="Đã sao chép, quay lại danh sách").click()
    expect(page.get_by_test_id("peer-kiengiang-cantho")).to_contain_text("Hệ thống QLVB TP Cần Thơ")
    expect(page.locator("body")).not_to_contain_text(value)
    page.get_by_test_id("peer-kiengiang-cantho").get_by_role("link", name="Sửa").click()
    expect(page.locator("body")).not_to_contain_text(value)
    step(page, "khóa bí mật không hiện lại")

    page.goto("/admin/exchange/directory?q=can tho")
    page.get_by_test_id("entry-000.00.00.H13").get_by_role("link", name="Sửa, sáp nhập").click()
    page.get_by_label("Hệ thống liên thông").select_option(label="Hệ thống QLVB TP Cần Thơ (kiengiang-cantho)")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_test_id("entry-000.00.00.H13")).to_contain_text("Hệ thống QLVB TP Cần Thơ")
    step(page, "cơ quan gửi qua hệ thống liên thông")

"""An administrator's screens in a real browser, as stc.quantri (Sở Tài chính: UBND's accounts stay untouched)."""

from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from playwright.sync_api import expect

from app.core import clock
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def throwaway_ca_pem(name: str) -> bytes:
    """A self-signed CA certificate valid around the instant the live server checks it against (its clock)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name), x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
    now = clock.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(Encoding.PEM)


def test_hub_audit_filter_and_trust_root(page, tmp_path):
    sign_in(page, "stc.quantri")
    page.get_by_role("link", name="Quản trị", exact=True).click()
    expect(page.get_by_role("heading", name="Quản trị", exact=True)).to_be_visible()
    expect(page.get_by_test_id("admin-card-trust_roots.index")).to_be_visible()
    page.screenshot(path=str(tmp_path / "hub.png"), full_page=True)

    page.get_by_test_id("admin-card-trust_roots.index").click()
    expect(page.get_by_role("heading", name="Chứng thư gốc tin cậy", exact=True)).to_be_visible()
    page.get_by_label("Tệp chứng thư").set_input_files(
        files=[{"name": "root-ca.pem", "mimeType": "application/x-pem-file", "buffer": b"not a certificate"}]
    )
    page.get_by_role("button", name="Thêm vào danh sách tin cậy").click()
    expect(page.get_by_text("Không đọc được chứng thư số").first).to_be_visible()  # refused, nothing added
    page.get_by_label("Tệp chứng thư").set_input_files(
        files=[{"name": "root-ca.pem", "mimeType": "application/x-pem-file", "buffer": throwaway_ca_pem("CA Thử E2E")}]
    )
    page.get_by_label("Ghi chú").fill("Chứng thư thử nghiệm")
    page.get_by_role("button", name="Thêm vào danh sách tin cậy").click()
    expect(page.get_by_text("Đã thêm chứng thư gốc tin cậy CA Thử E2E.")).to_be_visible()
    row = page.get_by_test_id("trust-roots").locator("tr", has_text="CA Thử E2E")
    expect(row).to_contain_text("Đang tin cậy")
    expect(row).to_contain_text("Sở Tài chính")
    page.screenshot(path=str(tmp_path / "trust-roots.png"), full_page=True)
    row.get_by_role("button", name="Ngừng tin cậy").click()
    expect(page.get_by_test_id("trust-roots").locator("tr", has_text="CA Thử E2E")).to_contain_text("Đã ngừng tin cậy")

    page.goto("/admin")
    page.get_by_test_id("admin-card-admin.audit_log").click()
    page.get_by_label("Hành động").select_option(label="Thêm chứng thư gốc tin cậy")
    page.get_by_label("Nội dung có chứa").fill("E2E")
    page.get_by_role("button", name="Lọc").click()
    events = page.get_by_test_id("audit-events").locator("tbody tr")
    expect(events).to_have_count(1)
    expect(events.first).to_contain_text("stc.quantri")
    expect(events.first).to_contain_text("CA Thử E2E")
    page.screenshot(path=str(tmp_path / "audit.png"), full_page=True)
    page.get_by_label("Hành động").select_option(label="Ngừng tin cậy chứng thư gốc")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_test_id("audit-events").locator("tbody tr")).to_have_count(1)


def test_deactivated_user_cannot_sign_in_until_reactivated(page, browser, live_server, tmp_path):
    sign_in(page, "stc.quantri")
    page.goto("/admin/users?q=stc.chuyenvien2")
    page.locator("table a").first.click()
    expect(page.get_by_text("stc.chuyenvien2").first).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Vô hiệu hóa").click()
    expect(page.get_by_text("Đã vô hiệu hóa tài khoản stc.chuyenvien2.")).to_be_visible()

    other = browser.new_context(base_url=live_server, locale="vi-VN").new_page()
    try:
        sign_in(other, "stc.chuyenvien2")
        expect(other.get_by_test_id("login-error")).to_contain_text("vô hiệu hóa")
        other.screenshot(path=str(tmp_path / "refused.png"))

        page.get_by_role("button", name="Kích hoạt lại").click()
        expect(page.get_by_text("Đã kích hoạt lại tài khoản stc.chuyenvien2.")).to_be_visible()
        sign_in(other, "stc.chuyenvien2")
        expect(other.get_by_test_id("login-error")).to_have_count(0)
        expect(other.get_by_role("heading", name="Xin chào", exact=False)).to_be_visible()
    finally:
        other.context.close()

    page.goto("/admin/audit?actor=stc.quantri&object_type=user_account")
    rows = page.get_by_test_id("audit-events").locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("Kích hoạt lại tài khoản")
    expect(rows.nth(1)).to_contain_text("Vô hiệu hóa tài khoản")

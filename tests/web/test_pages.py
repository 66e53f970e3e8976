import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.transaction import unit_of_work
from app.org.models import Agency, User
from tests.conftest import PASSWORD, csrf_token, login


def test_login_page_is_vietnamese_utf8(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    html = response.get_data(as_text=True)
    assert "Đăng nhập" in html and 'lang="vi"' in html and "Tên đăng nhập" in html


def test_pages_require_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_then_dashboard_then_logout(client, create_user):
    create_user(username="vanthu", full_name="Nguyễn Thị Thu Hà", roles=("van_thu",))
    response = login(client, "vanthu")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Xin chào, Nguyễn Thị Thu Hà" in page and "Văn thư cơ quan" in page
    assert "Nhật ký hệ thống" not in page  # navigation by role: not an administrator
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/").status_code == 302


def test_wrong_password_shows_vietnamese_error_and_counts(client, create_user):
    user = create_user(username="vanthu")
    response = login(client, "vanthu", "sai-mat-khau-9")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.failed_login_count == 1  # recorded and committed although the page refused


def test_login_of_deactivated_user_is_refused(client, admin, create_user):
    user = create_user(username="daroi", agency=admin.agency)
    from app.org import services

    services.deactivate_user(admin, user.id)
    response = login(client, "daroi")
    assert response.status_code == 401
    assert "vô hiệu hóa" in response.get_data(as_text=True)


def test_deactivation_ends_an_open_session(client, admin, create_user):
    from app.org import services

    user = create_user(username="dangdung", agency=admin.agency)
    login(client, "dangdung")
    assert client.get("/").status_code == 200
    services.deactivate_user(admin, user.id)
    assert client.get("/").status_code == 302


def test_post_without_csrf_is_refused_and_writes_nothing(client, create_user):
    create_user(username="vanthu")
    events_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    response = client.post("/login", data={"username": "vanthu", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events_before


def test_open_redirect_after_login_is_ignored(client, create_user):
    create_user(username="vanthu")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=//evil.example/x", data={"username": "vanthu", "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_admin_creates_agency_with_bad_code_sees_field_error_and_nothing_is_written(client, admin):
    login(client, "admin1")
    token = csrf_token(client, "/admin/agencies/new")
    response = client.post(
        "/admin/agencies/new",
        data={
            "csrf_token": token,
            "code": "000.00.00.Q99",
            "name": "Sở Xây dựng",
            "abbreviation": "SXD",
            "parent_id": str(admin.agency_id),
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "QCVN 102:2016" in html and "is-invalid" in html
    assert db.session.scalar(sa.select(Agency).where(Agency.name == "Sở Xây dựng")) is None


def test_admin_creates_edits_deactivates_and_reactivates_a_user(client, admin):
    login(client, "admin1")
    token = csrf_token(client, "/admin/users/new")
    response = client.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "username": "tran.van.b",
            "full_name": "Trần Văn B",
            "agency_id": admin.agency_id,
            "roles": ["chuyen_vien", "van_thu"],
            "password": "MatKhau-Moi-2026",
            "position": "Chuyên viên",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.username == "tran.van.b"))
    assert {r.value for r in user.roles} == {"chuyen_vien", "van_thu"}

    token = csrf_token(client, f"/admin/users/{user.id}/edit")
    client.post(
        f"/admin/users/{user.id}/edit",
        data={
            "csrf_token": token,
            "full_name": "Trần Văn Bình",
            "roles": ["chuyen_vien"],
            "position": "Chuyên viên chính",
        },
    )
    db.session.refresh(user)
    assert user.full_name == "Trần Văn Bình" and {r.value for r in user.roles} == {"chuyen_vien"}

    client.post(f"/admin/users/{user.id}/deactivate", data={"csrf_token": token})
    db.session.refresh(user)
    assert not user.is_active
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Đã vô hiệu hóa" in page and "Vô hiệu hóa tài khoản tran.van.b" in page
    client.post(f"/admin/users/{user.id}/reactivate", data={"csrf_token": token})
    db.session.refresh(user)
    assert user.is_active


def test_duplicate_username_on_the_form_shows_the_error(client, admin):
    login(client, "admin1")
    token = csrf_token(client, "/admin/users/new")
    response = client.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "username": "admin1",
            "full_name": "Trùng tên",
            "agency_id": admin.agency_id,
            "roles": ["chuyen_vien"],
            "password": "MatKhau-Moi-2026",
        },
    )
    assert "Tên đăng nhập đã tồn tại." in response.get_data(as_text=True)


def test_user_form_reports_every_problem_on_its_field_at_once(client, admin, create_user):
    user = create_user(username="tran.van.c", full_name="Trần Văn C", agency=admin.agency)
    login(client, "admin1")
    response = client.post(
        f"/admin/users/{user.id}/edit",
        data={"csrf_token": csrf_token(client, f"/admin/users/{user.id}/edit"), "full_name": " ", "phone": "gọi tôi"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="full_name-err">Trường này là bắt buộc.' in html
    assert 'id="phone-err">Số điện thoại chỉ gồm chữ số' in html and 'value="gọi tôi"' in html
    assert "Chọn ít nhất một vai trò." in html
    # The group of roles is marked and names its reason; no single box is marked as if it were the wrong one
    assert 'aria-invalid="true" aria-describedby="roles-errors"' in html and "form-check-input is-invalid" not in html
    db.session.refresh(user)
    assert user.full_name == "Trần Văn C" and user.phone is None and {r.value for r in user.roles} == {"chuyen_vien"}


def test_admin_cannot_open_another_agencys_user(client, admin, create_user, create_agency):
    stranger = create_user(agency=create_agency())
    login(client, "admin1")
    assert client.get(f"/admin/users/{stranger.id}").status_code == 404


def test_non_admin_gets_vietnamese_403(client, create_user):
    create_user(username="chuyenvien")
    login(client, "chuyenvien")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "quản trị hệ thống" in response.get_data(as_text=True)


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404 and "Không tìm thấy" in response.get_data(as_text=True)


def test_a_page_typed_with_a_trailing_slash_redirects_to_the_page(client, create_user):
    create_user(username="gachcheo")
    login(client, "gachcheo")
    response = client.get("/account/password/?a=1")
    assert response.status_code == 308 and response.headers["Location"] == "/account/password?a=1"
    assert client.get("/account/password/", follow_redirects=True).status_code == 200
    # No such page, an API address, or a form's POST: not redirected.
    assert client.get("/khong-co-trang-nay/").status_code == 404
    assert client.get("/api/v1/me/").status_code == 404
    assert client.post("/account/password/").status_code in (400, 404, 405)


def test_password_change_page(client, create_user):
    create_user(username="doimk")
    login(client, "doimk")
    token = csrf_token(client, "/account/password")
    bad = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": "ngan", "confirm": "ngan"},
    )
    assert "ít nhất" in bad.get_data(as_text=True)
    good = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "Mat-Khau-Moi-88",
            "confirm": "Mat-Khau-Moi-88",
        },
    )
    assert good.status_code == 302
    assert client.get("/").status_code == 200  # this session survives the change


def test_admin_audit_log_page_lists_and_verifies(client, admin):
    with unit_of_work():  # the fixtures' events take their places in the chain
        pass
    login(client, "admin1")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "user.create" in page
    token = csrf_token(client, "/admin/audit")
    verified = client.post("/admin/audit/verify", data={"csrf_token": token}).get_data(as_text=True)
    assert "Chuỗi nhật ký toàn vẹn" in verified


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml" and b"<svg" in response.data

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.core.transaction import unit_of_work
from app.org import auth, delegations, queries, services
from app.org.models import Agency, User
from tests.conftest import PASSWORD


def audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def test_invalid_agency_code_writes_nothing(db_session):
    with pytest.raises(ValidationError) as err:
        services.create_agency(None, code="000.00.00.Z99", name="Cơ quan sai mã", abbreviation="SAI")
    assert err.value.code == "validation_error"
    assert "code" in err.value.details
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agency)) == 0
    assert audit_count() == 0


def test_duplicate_agency_code_is_refused(create_agency):
    create_agency(code="000.00.00.H33")
    with pytest.raises(ValidationError) as err:
        create_agency(code="000.00.00.h33")
    assert "đã được dùng" in err.value.details["code"]


def test_agency_cannot_become_its_own_descendant(create_agency):
    top = create_agency()
    child = create_agency(parent_id=top.id)
    with pytest.raises(ValidationError) as err:
        services.update_agency(None, top.id, parent_id=child.id)
    assert "parent_id" in err.value.details


def test_password_is_stored_as_argon2id(create_user):
    user = create_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_duplicate_username_is_refused(create_user):
    create_user(username="nguyenvana")
    with pytest.raises(ValidationError) as err:
        create_user(username="NguyenVanA")
    assert err.value.details["username"] == "Tên đăng nhập đã tồn tại."


@pytest.mark.parametrize("weak", ["ngan1", "chicochuthoi", "1234567890", "password123", "user77-secret-1"])
def test_weak_password_is_refused(create_user, weak):
    with pytest.raises(ValidationError) as err:
        create_user(username="user77", password=weak)
    assert "password" in err.value.details
    assert queries.find_user_by_username("user77") is None


def test_unknown_role_and_foreign_unit_are_refused(create_user, create_agency):
    other = create_agency()
    foreign_unit = services.create_unit(None, agency_id=other.id, name="Phòng khác", abbreviation="PK")
    with pytest.raises(ValidationError) as err:
        create_user(roles=["vua"], unit_id=foreign_unit.id)
    assert set(err.value.details) >= {"roles", "unit_id"}


@pytest.mark.parametrize("phone", ["0297 3862 178", "+84 (297) 386-2178", "0297.3862.178"])
def test_phone_as_people_write_it_is_taken(create_user, phone):
    assert create_user(phone=phone).phone == phone


@pytest.mark.parametrize("phone", ["gọi tôi", "0297 abc 178", "12345", "((((()))))", "0" * 16, "84+297 3862 178"])
def test_phone_with_other_characters_or_too_few_or_many_digits_is_refused(create_user, phone):
    with pytest.raises(ValidationError) as err:
        create_user(phone=phone)
    assert "có từ 6 đến 15 chữ số" in err.value.details["phone"]


def test_account_without_a_role_is_refused_with_its_other_problems(create_user, admin):
    user = create_user(username="khong.vai.tro", roles=("chuyen_vien",), agency=admin.agency)
    with pytest.raises(ValidationError) as err:
        services.update_user(admin, user.id, full_name="", roles=[], phone="không có")
    assert set(err.value.details) == {"full_name", "roles", "phone"}
    assert err.value.details["roles"] == "Chọn ít nhất một vai trò."


def test_an_admin_removing_their_own_admin_role_is_told_with_the_form_s_other_problems(admin):
    with pytest.raises(ValidationError) as err:
        services.update_user(admin, admin.id, full_name="", roles=["van_thu"], phone="không có")
    assert set(err.value.details) == {"full_name", "roles", "phone"}
    assert err.value.details["roles"] == "Không thể tự bỏ vai trò quản trị của mình."
    assert "quan_tri" in {r.value for r in admin.roles}


def test_the_roles_are_named_under_a_person_unless_their_position_says_them(create_user):
    clerk = create_user(username="van.thu", roles=("van_thu",))
    clerk.position = "Văn thư"
    assert clerk.roles_beyond_position == []  # "Văn thư cơ quan" said once, by the position
    leader = create_user(username="chanh.vp", roles=("lanh_dao_don_vi", "van_thu"))
    leader.position = "Chánh Văn phòng"
    assert leader.roles_beyond_position == ["Lãnh đạo phòng/đơn vị", "Văn thư cơ quan"]
    leader.position = None
    assert leader.roles_beyond_position == ["Lãnh đạo phòng/đơn vị", "Văn thư cơ quan"]


def test_login_succeeds_and_resets_failures(create_user):
    user = create_user(username="canbo")
    assert not auth.authenticate("canbo", "sai-mat-khau-1").ok
    assert user.failed_login_count == 1
    result = auth.authenticate("CANBO ", PASSWORD)
    assert result.ok and result.user is user
    assert user.failed_login_count == 0 and user.last_login_at is not None


def test_lockout_after_five_failures_for_fifteen_minutes(create_user, frozen_clock):
    create_user(username="canbo")
    for _ in range(4):
        assert auth.authenticate("canbo", "sai-mat-khau-1").code == "invalid_credentials"
    fifth = auth.authenticate("canbo", "sai-mat-khau-1")
    assert fifth.code == "invalid_credentials" and user_named("canbo").locked_until is not None
    # Even the right password is refused while locked, with the answer an unknown name gets.
    assert auth.authenticate("canbo", PASSWORD).message == auth.authenticate("khongco", PASSWORD).message
    frozen_clock.advance(minutes=14, seconds=59)
    assert not auth.authenticate("canbo", PASSWORD).ok
    frozen_clock.advance(seconds=2)
    assert auth.authenticate("canbo", PASSWORD).ok


def user_named(username):
    return db.session.scalar(sa.select(User).where(User.username == username))


def test_locked_and_unknown_accounts_get_the_same_answer_in_the_same_time(create_user, app):
    import time

    app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_KIB"] = 2, 8192  # a measurable hash, as in production
    try:
        create_user(username="bikhoa")
        for _ in range(5):
            auth.authenticate("bikhoa", "sai-mat-khau-1")
        timings = {"bikhoa": [], "khongtontai": []}
        answers = set()
        for _ in range(5):
            for name in timings:
                start = time.perf_counter()
                result = auth.authenticate(name, "sai-mat-khau-1")
                timings[name].append(time.perf_counter() - start)
                answers.add((result.code, result.message, result.status))
    finally:
        app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_KIB"] = 1, 1024
    assert len(answers) == 1
    locked, unknown = (sorted(t)[2] for t in timings.values())  # medians
    assert 0.5 < locked / unknown < 2, timings  # the same work: one hash verified, one event audited


def test_many_refusals_from_one_address_are_refused_before_any_password(create_user, app):
    from app.audit.context import origin

    create_user(username="canbo")
    app.config["LOGIN_IP_MAX_FAILURES"] = 3
    try:
        with origin("198.51.100.9", "kiểm thử"):
            for name in ("a1", "a2", "a3"):
                assert auth.authenticate(name, "x").code == "invalid_credentials"
            refused = auth.authenticate("canbo", PASSWORD)
        assert (refused.code, refused.status) == ("too_many_attempts", 429)
        with origin("198.51.100.10", "kiểm thử"):
            assert auth.authenticate("canbo", PASSWORD).ok  # another address is not affected
    finally:
        app.config["LOGIN_IP_MAX_FAILURES"] = 30


def test_deactivated_account_cannot_log_in_but_keeps_history(create_user, admin):
    user = create_user(username="nghiviec", agency=admin.agency)
    services.deactivate_user(admin, user.id)
    result = auth.authenticate("nghiviec", PASSWORD)
    assert result.code == "account_inactive"
    assert db.session.get(User, user.id) is not None  # never deleted
    events = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))).all()
    assert "user.deactivate" in events
    with pytest.raises(Conflict):
        services.deactivate_user(admin, user.id)
    services.reactivate_user(admin, user.id)
    assert auth.authenticate("nghiviec", PASSWORD).ok


def test_admin_cannot_deactivate_self(admin):
    with pytest.raises(Conflict):
        services.deactivate_user(admin, admin.id)


def test_admin_manages_only_own_agency_tree(create_user, create_agency, admin):
    child = create_agency(parent_id=admin.agency_id)
    stranger_agency = create_agency()
    inside = create_user(agency=child)
    outside = create_user(agency=stranger_agency)
    services.deactivate_user(admin, inside.id)
    with pytest.raises(PermissionDenied):
        services.deactivate_user(admin, outside.id)
    with pytest.raises(PermissionDenied):
        services.create_user(
            admin,
            username="xam.nhap",
            full_name="X",
            password=PASSWORD,
            agency_id=stranger_agency.id,
            roles=["chuyen_vien"],
        )


def test_password_change_requires_current_and_ends_other_sessions(create_user):
    user = create_user()
    old_session = user.get_id()
    with pytest.raises(ValidationError):
        auth.change_password(user, current_password="khong-dung-1", new_password="MatKhauMoi-2027")
    with pytest.raises(ValidationError) as same:  # "changed" to itself: nothing changed, the user is told so
        auth.change_password(user, current_password=PASSWORD, new_password=PASSWORD)
    assert same.value.details == {"new_password": "Mật khẩu mới phải khác mật khẩu hiện tại."}
    auth.change_password(user, current_password=PASSWORD, new_password="MatKhauMoi-2027")
    assert auth.load_session_user(old_session) is None
    assert auth.load_session_user(user.get_id()) is user
    with pytest.raises(ValidationError) as err:
        auth.change_password(user, current_password="MatKhauMoi-2027", new_password="yeu")
    assert err.value.code == "weak_password"


def test_delegation_applies_only_in_its_period(create_user, admin, frozen_clock):
    leader = create_user(roles=("lanh_dao",), agency=admin.agency)
    deputy = create_user(roles=("chuyen_vien",), agency=admin.agency)
    now = frozen_clock()
    delegations.create_delegation(
        leader,
        from_user_id=leader.id,
        to_user_id=deputy.id,
        roles=["lanh_dao"],
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(days=3),
    )
    assert queries.active_delegations_to(deputy) == []
    frozen_clock.advance(hours=2)
    [active] = queries.active_delegations_to(deputy)
    assert active.from_user is leader and active.roles == ["lanh_dao"]
    frozen_clock.advance(days=3)
    assert queries.active_delegations_to(deputy) == []


def test_delegation_refuses_roles_not_held_and_inactive_receivers(create_user, admin, frozen_clock):
    leader = create_user(roles=("lanh_dao",), agency=admin.agency)
    gone = create_user(agency=admin.agency)
    services.deactivate_user(admin, gone.id)
    now = frozen_clock()
    with pytest.raises(ValidationError) as err:
        delegations.create_delegation(
            leader,
            from_user_id=leader.id,
            to_user_id=gone.id,
            roles=["van_thu"],
            starts_at=now,
            ends_at=now + timedelta(days=1),
        )
    assert set(err.value.details) == {"to_user_id", "roles"}


def test_someone_else_cannot_delegate_for_a_leader(create_user, admin, frozen_clock):
    leader = create_user(roles=("lanh_dao",), agency=admin.agency)
    clerk = create_user(roles=("van_thu",), agency=admin.agency)
    now = frozen_clock()
    with pytest.raises(PermissionDenied):
        delegations.create_delegation(
            clerk, from_user_id=leader.id, to_user_id=clerk.id, starts_at=now, ends_at=now + timedelta(days=1)
        )


def test_deactivated_delegator_no_longer_delegates(create_user, admin, frozen_clock):
    leader = create_user(roles=("lanh_dao",), agency=admin.agency)
    deputy = create_user(agency=admin.agency)
    now = frozen_clock()
    delegations.create_delegation(
        leader, from_user_id=leader.id, to_user_id=deputy.id, starts_at=now, ends_at=now + timedelta(days=1)
    )
    assert len(queries.active_delegations_to(deputy)) == 1
    services.deactivate_user(admin, leader.id)
    assert queries.active_delegations_to(deputy) == []


def test_people_are_found_by_name_without_diacritics_or_by_part_of_the_username(create_user, create_agency):
    agency = create_agency()
    dang = create_user(agency=agency, username="tc.dang", full_name="Đặng Thị Ánh")
    create_user(agency=agency, username="tc.nguyen", full_name="Nguyễn Văn An")

    def found(text):
        return [u.username for u in queries.list_users({agency.id}, search=text)]

    assert found("dang anh") == found("ĐẶNG") == found("Ánh Đặng") == found("TC.DA") == ["tc.dang"]
    assert found("nguyen an") == ["tc.nguyen"] and found("100%") == [] and found("_") == []
    dang.full_name = "Đặng Thị Ánh Hồng"  # the folded copy follows a change of name
    db.session.flush()
    assert found("anh hong") == ["tc.dang"]


def test_a_new_account_without_a_password_is_asked_for_one(admin, create_agency):
    with pytest.raises(ValidationError) as refused:
        services.create_user(
            admin,
            username="khongmk",
            full_name="Không Mật Khẩu",
            agency_id=admin.agency_id,
            roles=["chuyen_vien"],
            password="",
        )
    assert refused.value.details["password"] == "Nhập mật khẩu ban đầu."  # not three password rules


def test_the_audit_log_says_what_an_account_change_changed(create_user, admin):
    user = create_user(username="doi.vai.tro", roles=("chuyen_vien", "van_thu"), agency=admin.agency)
    with unit_of_work():
        services.update_user(
            admin, user.id, full_name=user.full_name, roles=["chuyen_vien", "lanh_dao"], position="Phó Chánh Văn phòng"
        )
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "user.update").order_by(AuditEvent.seq.desc())
    ).first()
    assert event.summary == "Sửa tài khoản doi.vai.tro: vai trò (thêm Lãnh đạo cơ quan; bỏ Văn thư cơ quan), chức vụ"

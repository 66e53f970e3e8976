"""Pages for signing in, one's own account, API tokens and delegations."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.core import clock
from app.core.errors import DomainError
from app.core.transaction import unit_of_work
from app.org import auth, queries
from app.org import delegations as delegation_services
from app.org.forms import ChangePasswordForm, DelegationForm, LoginForm, TokenForm, choices
from app.org.models import ROLE_LABELS, Role
from app.org.permissions import managed_agency_ids
from app.web.helpers import show_errors

bp = Blueprint("org", __name__, template_folder="templates")

SESSION_TOKEN = auth.SESSION_TOKEN


def safe_next(target: str | None) -> str:
    """Only same-site relative paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("web.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    form = LoginForm()
    error, status, headers = None, 200, {}
    if form.validate_on_submit():
        result = auth.authenticate(form.username.data, form.password.data)
        if result.ok:
            session.clear()  # no value from before sign-in survives into the new session (fixation)
            session[SESSION_TOKEN] = auth.start_session(
                result.user, ip=request.remote_addr, user_agent=request.user_agent.string
            )
            login_user(result.user)
            return redirect(safe_next(request.args.get("next")))
        error, status = result.message, result.status
        if result.retry_after:
            headers["Retry-After"] = str(result.retry_after)
    return render_template("org/login.html", form=form, error=error), status, headers


@bp.post("/logout")
def logout():
    auth.end_session(current_user if current_user.is_authenticated else None, session.get(SESSION_TOKEN))
    logout_user()
    session.clear()  # nothing of the signed-in session (its token, its CSRF secret) outlives it
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("org.login"))


@bp.get("/account")
@login_required
def profile():
    return render_template("org/profile.html", user=current_user)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = auth.change_password(
                    current_user, current_password=form.current_password.data, new_password=form.new_password.data
                )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            login_user(user)  # the session version changed: keep this session, end the others
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất.", "success")
            return redirect(url_for("org.profile"))
    return render_template("org/password.html", form=form)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                _token, new_token = auth.create_api_token(current_user, name=form.name.data, days=form.days.data)
        except DomainError as exc:
            show_errors(form, exc)
    return render_template(
        "org/tokens.html", form=form, tokens=queries.tokens_of(current_user), new_token=new_token, now=clock.now()
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    auth.revoke_api_token(current_user, token_id)
    flash("Đã thu hồi mã truy cập.", "success")
    return redirect(url_for("org.tokens"))


def _delegation_people():
    agency_ids = managed_agency_ids(current_user) or {current_user.agency_id}
    return [u for u in queries.list_users(agency_ids, active=True)]


@bp.get("/delegations")
@login_required
def delegations():
    admin_ids = managed_agency_ids(current_user)
    rows = queries.delegations_in(admin_ids) if admin_ids else queries.delegations_of(current_user)
    return render_template("org/delegations.html", delegations=rows, now=clock.now())


@bp.route("/delegations/new", methods=["GET", "POST"])
@login_required
def new_delegation():
    form = DelegationForm()
    people = _delegation_people()
    is_admin = current_user.has_role(Role.ADMIN)
    givers = people if is_admin else [current_user]
    form.from_user_id.choices = choices([(u.id, f"{u.full_name} — {u.position or ''}") for u in givers])
    if not is_admin:  # one gives only the roles one holds (delegations.create_delegation): offer only those
        form.roles.choices = choices((r.value, r.label) for r in ROLE_LABELS if current_user.has_role(r))
    form.to_user_id.choices = choices(
        [("", "— Chọn người được ủy quyền —")]  # nobody chosen for them: the first name is nobody's choice
        + [
            (u.id, f"{u.full_name} — {u.position or ''} ({u.agency.abbreviation})")
            for u in people
            if u.id != current_user.id or is_admin
        ]
    )
    if request.method == "GET":
        form.from_user_id.data = current_user.id
    if form.validate_on_submit():
        try:
            with unit_of_work():
                delegation_services.create_delegation(
                    current_user,
                    from_user_id=form.from_user_id.data,
                    to_user_id=form.to_user_id.data,
                    roles=form.roles.data,
                    starts_at=_local(form.starts_at.data),
                    ends_at=_local(form.ends_at.data),
                    reason=form.reason.data,
                )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash("Đã tạo ủy quyền.", "success")
            return redirect(url_for("org.delegations"))
    status = 422 if request.method == "POST" else 200  # refused: the form again, with its problems
    return render_template("org/delegation_form.html", form=form), status


@bp.post("/delegations/<int:delegation_id>/revoke")
@login_required
def revoke_delegation(delegation_id: int):
    delegation_services.revoke_delegation(current_user, delegation_id)
    flash("Đã thu hồi ủy quyền.", "success")
    return redirect(url_for("org.delegations"))


def _local(value):
    """A datetime-local field holds Vietnamese wall-clock time."""
    return value.replace(tzinfo=clock.LOCAL_TZ) if value is not None else None

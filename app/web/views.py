"""Request lifecycle for pages and API (one unit of work per request), navigation, the dashboard."""

from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, g, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_required
from werkzeug.middleware.proxy_fix import ProxyFix

from app.audit.actions import action_label
from app.audit.context import reset_origin, set_origin
from app.core import clock
from app.core.db import SQLITE_READER, SQLITE_WRITER, sqlite_begin
from app.core.errors import ValidationError
from app.core.inputs import has_nul
from app.core.numbers import decimal
from app.core.transaction import begin_request_unit, end_request_unit
from app.extensions import login_manager
from app.org.auth import SESSION_TOKEN, load_session_user
from app.org.models import Role
from app.web import home
from app.web.security import set_security_headers
from app.web.static_files import install_static_versions

bp = Blueprint("web", __name__, template_folder="templates")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SchemeSecureSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when the request came over HTTPS (QLVB_COOKIE_SECURE=auto)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config.get("COOKIE_SECURE_AUTO"):
            return request.is_secure
        return super().get_cookie_secure(app)


def init_web(app: Flask) -> None:
    app.session_interface = SchemeSecureSessionInterface()
    login_manager.login_view = "org.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(lambda session_id: load_session_user(session_id, session.get(SESSION_TOKEN) or ""))

    install_static_versions(app)
    if proxies := int(app.config.get("TRUSTED_PROXIES", 0) or 0):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    @app.before_request
    def open_unit_of_work():
        # Read-only methods begin as SQLite readers (beside the writer, WAL); the others as writers.
        g.sqlite_begin_token = sqlite_begin.set(SQLITE_READER if request.method in SAFE_METHODS else SQLITE_WRITER)
        begin_request_unit()
        g.audit_origin_token = set_origin(request.remote_addr, request.user_agent.string)

    @app.before_request
    def refuse_nul_characters():
        # No person types a NUL, and PostgreSQL cannot store one in text: refuse it once, for every page and API.
        values = [request.path, *(v for _k, vs in request.args.lists() for v in vs)]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values += [v for _k, vs in request.form.lists() for v in vs]
        if any(has_nul(value) for value in values) or (request.is_json and has_nul(request.get_data(cache=True))):
            raise ValidationError(
                "Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL).",
                code="invalid_characters",
                details={"_body": "Không được chứa ký tự NUL."},
            )

    @app.after_request
    def commit_unit_of_work(response):
        # Returning commits; a raised error was rolled back by its error handler already.
        end_request_unit(commit=True)
        return set_security_headers(app, response)

    @app.teardown_request
    def forget_origin(_exc):
        token = g.pop("audit_origin_token", None)
        if token is not None:
            reset_origin(token)
        begin_token = g.pop("sqlite_begin_token", None)
        if begin_token is not None:
            sqlite_begin.reset(begin_token)

    @app.context_processor
    def inject_shell():
        items, badges, header = [], {}, []
        if current_user.is_authenticated:
            roles = current_user.roles
            # What the modules declare (app.core.modules.NavItem), registered by app.modules.register_modules.
            items = [item for item in app.extensions["qlvb.navigation"] if not item.roles or item.roles & roles]
            # A badge is counted only beside an item the person sees (no query for a menu entry they lack).
            shown = {item.endpoint for item in items}
            declared = app.extensions["qlvb.nav_badges"].items()
            badges = {endpoint: badge(current_user) for endpoint, badge in declared if endpoint in shown}
            header = [shown for item in app.extensions["qlvb.header_items"] if (shown := item(current_user))]
        return {
            "nav_items": items,
            "nav_badges": badges,
            "header_items": header,
            "Role": Role,
            "to_local": clock.to_local,
            "now": clock.now(),
            "page_url": page_url,
        }

    @app.template_filter("audit_action")
    def audit_action(code: str) -> str:
        return action_label(code)

    app.add_template_filter(local_datetime, "local_dt")
    app.add_template_filter(decimal, "decimal")  # 18,1 · 95,4 (app.core.numbers)


def local_datetime(value, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """An instant as the pages show it, dd/mm/yyyy hh:mm local; also an ISO 8601 text with its offset (the time
    in a signature report)."""
    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value)
    return clock.to_local(value).strftime(fmt) if value else ""


def page_url() -> str | None:
    """The page a form posted from, for a page rendered in answer to that POST (base.html, js/no-resubmit.js): the
    posted URL when it also answers GET (/cases/new/…, /login), else the same-site page the form was on
    (/tasks/5 for /tasks/5/complete); None when neither is known."""
    rule = request.url_rule
    if rule is not None and "GET" in (rule.methods or ()):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return None


@bp.get("/")
@login_required
def dashboard():
    """Trang chủ: the panels of the modules that apply to the signed-in person (app.web.home)."""
    return render_template("web/dashboard.html", panels=home.panels_for(current_user))


@bp.get("/favicon.ico")
def favicon():
    # Browsers and tools ask for /favicon.ico whatever the page links; answer with the same icon.
    icon = Path(current_app.static_folder, "img", "favicon.svg").read_bytes()
    return Response(icon, mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}

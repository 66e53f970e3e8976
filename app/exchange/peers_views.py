"""Pages: the systems this deployment exchanges with (hệ thống liên thông) — list, add, edit, new secret, check.

A shared secret is shown once, on the answer to the request that made it (add, or "Đổi khóa bí mật"), never again:
the administrator copies it to the other system's configuration (`qlvb exchange peer add … --secret`)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.core.errors import DomainError
from app.core.transaction import unit_of_work
from app.exchange import directory, peer_check, peers
from app.exchange.directory_views import TOO_LONG, exchange_admin_required
from app.exchange.models import PeerAuth
from app.org.forms import choices
from app.web.helpers import show_errors

bp = Blueprint("peers", __name__, url_prefix="/admin/exchange/peers")

AUTH_CHOICES = [
    (PeerAuth.HMAC.value, "Khóa bí mật dùng chung (HMAC-SHA256)"),
    (PeerAuth.MTLS.value, "Chứng thư máy khách (mTLS, qua reverse proxy)"),
]


class PeerForm(FlaskForm):
    name = StringField("Tên hệ thống", validators=[Length(max=200, message=TOO_LONG)])
    key_id = StringField("Mã khóa (giống nhau ở cả hai hệ thống)", validators=[Length(max=64, message=TOO_LONG)])
    base_url = StringField("Địa chỉ của hệ thống kia", validators=[Length(max=500, message=TOO_LONG)])
    auth = SelectField("Cách xác thực", choices=choices(AUTH_CHOICES))
    tls_fingerprint = StringField(
        "Vân tay SHA-256 chứng thư máy khách (mTLS)", validators=[Optional(), Length(max=100, message=TOO_LONG)]
    )
    require_signature = BooleanField("Chỉ nhận gói tin có chữ ký số (XML-DSig)", default=True)
    is_active = BooleanField("Đang dùng", default=True)


class NewPeerForm(PeerForm):
    secret = PasswordField(
        "Khóa bí mật (bỏ trống để hệ thống tạo)", validators=[Optional(), Length(max=256, message=TOO_LONG)]
    )


class SecretForm(FlaskForm):
    secret = PasswordField(
        "Khóa bí mật mới (bỏ trống để hệ thống tạo)", validators=[Optional(), Length(max=256, message=TOO_LONG)]
    )


def _values(form: PeerForm) -> dict:
    return {
        "name": form.name.data,
        "key_id": form.key_id.data,
        "base_url": form.base_url.data,
        "auth": form.auth.data,
        "tls_fingerprint": form.tls_fingerprint.data,
        "require_signature": form.require_signature.data,
        "is_active": form.is_active.data,
    }


def _secret_page(peer, secret: str, *, created: bool):
    # Answered directly, never redirected to: the secret exists in this one response only.
    response = render_template("exchange/peer_secret.html", peer=peer, secret=secret, created=created)
    return response, 201 if created else 200, {"Cache-Control": "no-store"}


@bp.get("")
@exchange_admin_required
def index():
    rows = peers.list_peers()
    counts = {p.id: len(directory.list_entries(peer_id=p.id)) for p in rows}
    return render_template("exchange/peers.html", peers=rows, counts=counts, secret_form=SecretForm())


@bp.route("/new", methods=["GET", "POST"])
@exchange_admin_required
def new():
    form = NewPeerForm()
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                peer, secret = peers.add_peer(current_user, secret=form.secret.data or None, **_values(form))
        except DomainError as exc:
            show_errors(form, exc)
            status = 422
        else:
            return _secret_page(peer, secret, created=True)
    elif request.method == "POST":
        status = 422
    return render_template("exchange/peer_form.html", form=form, peer=None), status


@bp.route("/<int:peer_id>/edit", methods=["GET", "POST"])
@exchange_admin_required
def edit(peer_id: int):
    peer = peers.get_peer(peer_id)
    form = PeerForm(obj=peer if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                peers.update_peer(current_user, peer.id, **_values(form))
        except DomainError as exc:
            show_errors(form, exc)
            status = 422
        else:
            flash(f"Đã lưu hệ thống liên thông {peer.name}.", "success")
            return redirect(url_for("exchange.peers.index"))
    elif request.method == "POST":
        status = 422
    return render_template("exchange/peer_form.html", form=form, peer=peer, secret_form=SecretForm()), status


@bp.post("/<int:peer_id>/rotate")
@exchange_admin_required
def rotate(peer_id: int):
    form = SecretForm()
    if not form.validate_on_submit():
        flash("Khóa bí mật không hợp lệ.", "danger")
        return redirect(url_for("exchange.peers.edit", peer_id=peer_id))
    try:
        with unit_of_work():
            peer, secret = peers.rotate_secret(current_user, peer_id, form.secret.data or None)
    except DomainError as exc:
        flash(exc.message, "danger")  # the details only repeat the message for the form field
        return redirect(url_for("exchange.peers.edit", peer_id=peer_id))
    return _secret_page(peer, secret, created=False)


@bp.post("/<int:peer_id>/check")
@exchange_admin_required
def check(peer_id: int):
    peer = peers.get_peer(peer_id)
    result = peer_check.check_peer(current_user, peer.id)
    flash(f"Kiểm tra kết nối tới {peer.name}: {result.message}", "success" if result.ok else "danger")
    return redirect(url_for("exchange.peers.index"))

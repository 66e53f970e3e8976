"""REST endpoints of the peer systems (hệ thống liên thông): list, create, update, rotate the secret, check."""

from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.exchange import peer_check, peers
from app.exchange.directory_schemas import (
    ExchangePeerCheckSchema,
    ExchangePeerCreateArgs,
    ExchangePeerRotateArgs,
    ExchangePeerSchema,
    ExchangePeerUpdateArgs,
    ExchangePeerWithSecretSchema,
)
from app.exchange.permissions import require_manage_exchange

blp = api_blueprint(
    "exchange_peers_api",
    __name__,
    tag="Hệ thống liên thông",
    description="Hệ thống quản lý văn bản khác gửi, nhận trực tiếp; khóa bí mật chỉ trả về một lần",
)


def _admin():
    user = api_user()
    require_manage_exchange(user)
    return user


class _WithSecret:
    """The peer as dumped, plus the secret of this one answer (never an attribute of the row)."""

    def __init__(self, peer, secret: str):
        self._peer, self.secret = peer, secret

    def __getattr__(self, name):
        return getattr(self._peer, name)


def _with_secret(peer, secret: str) -> _WithSecret:
    return _WithSecret(peer, secret)


@blp.route("/exchange/peers")
class Peers(MethodView):
    @blp.response(200, ExchangePeerSchema(many=True))
    def get(self):
        _admin()
        return peers.list_peers()

    @blp.arguments(ExchangePeerCreateArgs)
    @blp.response(201, ExchangePeerWithSecretSchema)
    def post(self, args):
        """Thêm hệ thống; trả về khóa bí mật (một lần duy nhất)."""
        peer, secret = peers.add_peer(_admin(), **args)
        return _with_secret(peer, secret)


@blp.route("/exchange/peers/<int:peer_id>")
class PeerItem(MethodView):
    @blp.response(200, ExchangePeerSchema)
    def get(self, peer_id):
        _admin()
        return peers.get_peer(peer_id)

    @blp.arguments(ExchangePeerUpdateArgs)
    @blp.response(200, ExchangePeerSchema)
    def patch(self, args, peer_id):
        return peers.update_peer(_admin(), peer_id, **args)


@blp.route("/exchange/peers/<int:peer_id>/rotate-secret", methods=["POST"])
@blp.arguments(ExchangePeerRotateArgs)
@blp.response(200, ExchangePeerWithSecretSchema)
def rotate(args, peer_id):
    """Đổi khóa bí mật; khóa mới trả về một lần duy nhất."""
    peer, secret = peers.rotate_secret(_admin(), peer_id, args.get("secret"))
    return _with_secret(peer, secret)


@blp.route("/exchange/peers/<int:peer_id>/check", methods=["POST"])
@blp.response(200, ExchangePeerCheckSchema)
def check(peer_id):
    """Kiểm tra kết nối tới hệ thống kia."""
    result = peer_check.check_peer(_admin(), peer_id)
    return {"ok": result.ok, "message": result.message}

"""REST endpoints of the connector's outbox (hàng đợi gửi liên thông): list and "Gửi lại ngay"."""

from app.api import api_blueprint
from app.api.auth import api_user
from app.core.errors import PermissionDenied
from app.exchange import outbox_queries
from app.exchange.directory_schemas import OutboxListArgs, OutboxMessageSchema
from app.exchange.permissions import can_view_outbox

blp = api_blueprint(
    "exchange_outbox_api",
    __name__,
    tag="Hàng đợi gửi liên thông",
    description="Văn bản, trạng thái chờ gửi, chưa gửi được (và lý do), đã gửi tới hệ thống liên thông khác",
)


def _reader():
    user = api_user()
    if not can_view_outbox(user):
        raise PermissionDenied("Chỉ văn thư và quản trị hệ thống xem được hàng đợi gửi.", code="outbox_denied")
    return user


@blp.route("/exchange/outbox", methods=["GET"])
@blp.arguments(OutboxListArgs, location="query")
@blp.response(200, OutboxMessageSchema(many=True))
def list_messages(args):
    """Thông điệp của các cơ quan mình được xem, mới nhất trước."""
    return outbox_queries.list_outbox(_reader(), **args)


@blp.route("/exchange/outbox/<int:message_id>", methods=["GET"])
@blp.response(200, OutboxMessageSchema)
def get_message(message_id):
    return outbox_queries.get_visible(_reader(), message_id)


@blp.route("/exchange/outbox/<int:message_id>/retry", methods=["POST"])
@blp.response(200, OutboxMessageSchema)
def retry(message_id):
    """Gửi lại ngay (thông điệp đang chờ hoặc chưa gửi được)."""
    return outbox_queries.retry(_reader(), message_id)

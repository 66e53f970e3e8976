"""REST endpoints: one's notices (paged, unread filter), the unread count, marking read, one's choices."""

from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import id_cursor, keyset_page, page_of
from app.notifications import queries, services
from app.notifications.schemas import (
    NotificationListArgs,
    NotificationSchema,
    PreferenceSchema,
    PreferenceUpdateArgs,
    ReadAllSchema,
    UnreadCountSchema,
)

blp = api_blueprint(
    "notifications_api", __name__, tag="Thông báo", description="Thông báo của người dùng và cài đặt nhận thông báo"
)


@blp.route("/notifications", methods=["GET"])
@blp.arguments(NotificationListArgs, location="query")
@blp.response(200, page_of(NotificationSchema, "NotificationPage"))
def list_notifications(args):
    """Thông báo của tôi, mới nhất trước; `unread=1`: chỉ chưa đọc; `next_cursor` → `after` để xem trang sau."""
    rows = queries.list_notices(
        api_user(), unread=args["unread"], before_id=id_cursor(args["after"]), limit=args["limit"] + 1
    )
    return keyset_page(rows, args["limit"])


@blp.route("/notifications/unread-count", methods=["GET"])
@blp.response(200, UnreadCountSchema)
def unread_count():
    """Số thông báo chưa đọc (đếm tối đa 100)."""
    return {"unread": queries.unread_count(api_user())}


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
def mark_read(notification_id):
    """Đánh dấu một thông báo đã đọc (thông báo của người khác: 404)."""
    return services.mark_read(api_user(), notification_id)


@blp.route("/notifications/read-all", methods=["POST"])
@blp.response(200, ReadAllSchema)
def mark_all_read():
    """Đánh dấu tất cả thông báo của tôi đã đọc."""
    return {"marked": services.mark_all_read(api_user())}


@blp.route("/notifications/settings")
class Settings(MethodView):
    @blp.response(200, PreferenceSchema)
    def get(self):
        """Cài đặt nhận thông báo của tôi."""
        return queries.preferences_of(api_user().id)

    @blp.arguments(PreferenceUpdateArgs)
    @blp.response(200, PreferenceSchema)
    def put(self, args):
        """Bật/tắt thư điện tử và bản tổng hợp hằng ngày (chỉ các trường gửi lên)."""
        user = api_user()
        return services.update_preferences(user, user.id, **args)

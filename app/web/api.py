"""GET /api/v1/home: the home page's panels for the token's owner, as JSON (app.web.home)."""

from app.api import api_blueprint
from app.api.auth import api_user
from app.web.home import panels_for
from app.web.schemas import HomeSchema

blp = api_blueprint("home_api", __name__, tag="Trang chủ", description="Trang chủ: việc và số liệu của tôi")


@blp.route("/home")
@blp.response(200, HomeSchema)
def home():
    """Các bảng của trang chủ áp dụng cho tài khoản: số liệu (đếm tối đa 1000) và vài mục đầu, kèm đường dẫn."""
    panels = [
        {
            "id": panel.id,
            "title": panel.title,
            "figures": content.figures,
            "items": content.items,
            "more_url": content.more_url,
        }
        for panel, content in panels_for(api_user())
    ]
    return {"panels": panels}

"""REST endpoints of the designer (/api/v1/designer/…)."""

from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.core.errors import PermissionDenied
from app.designer import permissions, queries
from app.designer.schemas import ProcessOverviewSchema
from app.org.models import User

blp = api_blueprint("designer_api", __name__, tag="Thiết kế quy trình", description="Quy trình, phiên bản, biểu mẫu")


def designer() -> User:
    user = api_user()
    if not permissions.can_design(user):
        raise PermissionDenied("Chỉ người thiết kế quy trình được dùng chức năng này.")
    return user


@blp.route("/designer/processes")
class Processes(MethodView):
    @blp.response(200, ProcessOverviewSchema(many=True))
    def get(self):
        """Các quy trình cơ quan đang chạy: phiên bản hiện hành, số phiên bản riêng, số hồ sơ đang xử lý."""
        return queries.process_overview(designer().agency_id)

"""REST endpoints of the access-change warnings: the same list and confirmation as /access-warnings."""

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema
from app.core.errors import PermissionDenied
from app.org import access_warnings
from app.org.schemas import AccessWarningConfirmArgs, AccessWarningListArgs, AccessWarningSchema

blp = api_blueprint(
    "access_warnings_api",
    __name__,
    tag="Cảnh báo thay đổi quyền truy cập",
    description="Thay đổi quyền truy cập chờ người có thẩm quyền xác nhận (NĐ 30/2020 Phụ lục VI III.3.c)",
)


@blp.route("/access-warnings")
@blp.arguments(AccessWarningListArgs, location="query")
@blp.response(200, AccessWarningSchema(many=True))
@blp.alt_response(403, schema=ErrorSchema)
def list_warnings(args):
    """Cảnh báo chờ xác nhận (`state=open`, cũ nhất trước) hoặc đã xác nhận gần đây (`state=confirmed`)."""
    user = api_user()
    if not access_warnings.overseen_agency_ids(user):
        raise PermissionDenied("Chỉ lãnh đạo cơ quan và quản trị hệ thống xem được cảnh báo này.")
    if args["state"] == "confirmed":
        return access_warnings.confirmed_warnings(user)
    return access_warnings.open_warnings(user)


@blp.route("/access-warnings/<int:warning_id>/confirm", methods=["POST"])
@blp.arguments(AccessWarningConfirmArgs)
@blp.response(200, AccessWarningSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Người thực hiện thay đổi tự xác nhận (own_access_change)")
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema, description="Đã xác nhận rồi (access_warning_confirmed)")
def confirm_warning(args, warning_id: int):
    """Xác nhận một thay đổi quyền truy cập; việc xác nhận được ghi vào nhật ký hệ thống."""
    return access_warnings.confirm_warning(api_user(), warning_id, note=args["note"])

"""REST endpoints: an agency's policy for received PDFs that carry active content (app.documents.upload_policy)."""

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from app.api import api_blueprint
from app.api.auth import api_user
from app.core.errors import NotFound
from app.documents import upload_policy
from app.org.permissions import managed_agency_ids

blp = api_blueprint(
    "upload_policy_api", __name__, tag="Chính sách tệp tải lên", description="Tệp PDF có nội dung chủ động"
)
CHOICES = [p.value for p in upload_policy.ActivePdf]


class UploadPolicySchema(Schema):
    agency_id = fields.Int(dump_only=True)
    active_pdf = fields.Str(metadata={"description": "disarm: gỡ bỏ nội dung chủ động; refuse: từ chối tệp"})
    keep_original = fields.Bool(metadata={"description": "Giữ bản gốc khi gỡ bỏ (tệp có chữ ký số luôn được giữ)"})


class UploadPolicyArgs(Schema):
    active_pdf = fields.Str(required=True, validate=validate.OneOf(CHOICES))
    keep_original = fields.Bool(load_default=True)


def _managed(agency_id: int) -> int:
    if agency_id not in managed_agency_ids(api_user()):
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    return agency_id


@blp.route("/agencies/<int:agency_id>/upload-policy")
class UploadPolicyItem(MethodView):
    @blp.response(200, UploadPolicySchema)
    def get(self, agency_id):
        """Chính sách của cơ quan với tệp PDF nhận được có nội dung chủ động. Chỉ quản trị."""
        return upload_policy.policy_for(_managed(agency_id))

    @blp.arguments(UploadPolicyArgs)
    @blp.response(200, UploadPolicySchema)
    def put(self, args, agency_id):
        """Đặt chính sách: gỡ bỏ (mặc định) hoặc từ chối; có giữ bản gốc hay không. Chỉ quản trị."""
        return upload_policy.set_policy(api_user(), _managed(agency_id), **args)

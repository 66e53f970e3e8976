"""REST endpoints for the trust roots administrators add: list, add (multipart), disable, enable, remove."""

from flask import request
from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.core.errors import PermissionDenied, ValidationError
from app.org.permissions import managed_agency_ids
from app.signing import trust_store
from app.signing.trust_schemas import TRUST_ROOT_UPLOAD, TrustedCertificateSchema

blp = api_blueprint(
    "trust_roots_api",
    __name__,
    tag="Chứng thư gốc tin cậy",
    description="Chứng thư gốc (Root CA) và trung gian mà chữ ký số phải dẫn tới để được tin cậy",
)


def _admin():
    user = api_user()
    if not managed_agency_ids(user):
        raise PermissionDenied("Chỉ quản trị hệ thống được quản lý chứng thư gốc tin cậy.")
    return user


@blp.route("/signing/trust-roots")
class TrustRoots(MethodView):
    @blp.response(200, TrustedCertificateSchema(many=True))
    def get(self):
        """Chứng thư gốc tin cậy áp dụng cho toàn hệ thống và cho các cơ quan mình quản trị."""
        return trust_store.list_visible(_admin())

    @blp.doc(requestBody=TRUST_ROOT_UPLOAD)
    @blp.response(201, TrustedCertificateSchema)
    def post(self):
        """Thêm một chứng thư CA (PEM hoặc DER) vào danh sách tin cậy: `agency_id` bỏ trống là toàn hệ thống."""
        user = _admin()
        raw = (request.form.get("agency_id") or "").strip()
        if raw and not raw.isdigit():
            raise ValidationError(details={"agency_id": "Phải là số."})
        upload = request.files.get("file")
        return trust_store.add(
            user,
            data=upload.read() if upload else b"",
            agency_id=int(raw) if raw else None,
            note=request.form.get("note"),
        )


@blp.route("/signing/trust-roots/<int:certificate_id>")
class TrustRoot(MethodView):
    @blp.response(200, TrustedCertificateSchema)
    def get(self, certificate_id):
        return trust_store.get_visible(_admin(), certificate_id)

    @blp.response(204)
    def delete(self, certificate_id):
        """Xóa chứng thư khỏi danh sách (nhật ký hệ thống giữ lại vân tay và chủ thể)."""
        trust_store.remove(_admin(), certificate_id)


@blp.route("/signing/trust-roots/<int:certificate_id>/disable", methods=["POST"])
@blp.response(200, TrustedCertificateSchema)
def disable(certificate_id):
    """Ngừng tin cậy (giữ lại trong danh sách)."""
    return trust_store.set_active(_admin(), certificate_id, False)


@blp.route("/signing/trust-roots/<int:certificate_id>/enable", methods=["POST"])
@blp.response(200, TrustedCertificateSchema)
def enable(certificate_id):
    """Tin cậy lại."""
    return trust_store.set_active(_admin(), certificate_id, True)

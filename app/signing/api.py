"""REST endpoints for signing credentials: list, show, add (multipart), deactivate, image."""

import io

from flask import request, send_file
from flask.views import MethodView
from marshmallow import ValidationError as SchemaError

from app.api import api_blueprint
from app.api.auth import api_user
from app.core.errors import NotFound, ValidationError
from app.org.permissions import managed_agency_ids
from app.signing import credentials
from app.signing.schemas import (
    UPLOAD_BODY,
    CredentialCreateArgs,
    CredentialDeactivateArgs,
    SigningCredentialSchema,
)

blp = api_blueprint(
    "signing_api", __name__, tag="Chữ ký số", description="Chữ ký số: chứng thư số và khóa của người ký, của cơ quan"
)


def _visible(credential_id: int):
    """An administrator sees their agencies' credentials; anyone else only their own."""
    user = api_user()
    credential = credentials.get_credential(credential_id)
    if credential.user_id != user.id and credential.agency_id not in managed_agency_ids(user):
        raise NotFound("Không tìm thấy chứng thư số.", code="credential_not_found")
    return credential


@blp.route("/signing/credentials")
class Credentials(MethodView):
    @blp.response(200, SigningCredentialSchema(many=True))
    def get(self):
        """Chứng thư số của các cơ quan mình quản trị (hoặc của chính mình)."""
        user = api_user()
        agency_ids = managed_agency_ids(user)
        return credentials.list_credentials(agency_ids) if agency_ids else credentials.credentials_of(user)

    # One multipart body of fields and files: flask-smorest documents a single body location, so the body is
    # described here and parsed below with the same schema.
    @blp.doc(requestBody=UPLOAD_BODY)
    @blp.response(201, SigningCredentialSchema)
    def post(self):
        """Thêm chứng thư số: `kind=personal` (user_id, pin), `kind=organization` (agency_id, passphrase: con dấu)
        hoặc `kind=exchange` (agency_id, passphrase: hệ thống ký gói tin edXML gửi đi; không có ảnh).

        Tệp `p12` là tệp khóa PKCS#12; `image` (tùy chọn) là ảnh PNG nền trong suốt (chữ ký hoặc con dấu), bỏ trống
        thì hệ thống tạo ảnh. Chứng thư số mới thay thế chứng thư số đang hiệu lực của cùng chủ thể.
        """
        try:
            args = CredentialCreateArgs().load(request.form.to_dict())
        except SchemaError as exc:
            raise ValidationError(details=exc.messages) from exc
        if not request.files.get("p12"):
            raise ValidationError(details={"p12": "Chọn tệp khóa PKCS#12 (.p12, .pfx)."})
        p12 = request.files["p12"].read()
        image = request.files["image"].read() if request.files.get("image") else None
        if args["kind"] == "personal":
            if "user_id" not in args:
                raise ValidationError(details={"user_id": "Trường này là bắt buộc."})
            return credentials.add_personal(api_user(), args["user_id"], p12=p12, pin=args["pin"], image_png=image)
        if "agency_id" not in args:
            raise ValidationError(details={"agency_id": "Trường này là bắt buộc."})
        if args["kind"] == "exchange":
            return credentials.add_exchange(api_user(), args["agency_id"], p12=p12, passphrase=args["passphrase"])
        return credentials.add_organization(
            api_user(), args["agency_id"], p12=p12, passphrase=args["passphrase"], seal_png=image
        )


@blp.route("/signing/credentials/<int:credential_id>")
@blp.response(200, SigningCredentialSchema)
def show(credential_id):
    return _visible(credential_id)


@blp.route("/signing/credentials/<int:credential_id>/deactivate", methods=["POST"])
@blp.arguments(CredentialDeactivateArgs)
@blp.response(200, SigningCredentialSchema)
def deactivate(args, credential_id):
    """Vô hiệu hóa (thu hồi) chứng thư số; từ đó không ký được bằng chứng thư số này nữa."""
    return credentials.deactivate(api_user(), _visible(credential_id).id, args["reason"])


@blp.route("/signing/credentials/<int:credential_id>/image")
@blp.doc(
    responses={
        "200": {"description": "Ảnh PNG", "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}
    }
)
def image(credential_id):
    """Ảnh chữ ký hoặc con dấu (PNG); chứng thư số liên thông không có ảnh (404)."""
    credential = _visible(credential_id)
    if not credential.image_sha256:
        raise NotFound("Chứng thư số này không có ảnh.", code="credential_image_not_found")
    data = credentials.image_of(credential)
    return send_file(io.BytesIO(data), mimetype="image/png")

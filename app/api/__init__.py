"""REST API under /api/v1: bearer tokens, JSON errors `{code, message, details}`, OpenAPI + local docs page."""

from flask import Flask
from flask_smorest import Api, Blueprint

from app.api.schemas import ErrorSchema
from app.extensions import csrf


class QlvbApi(Api):
    ERROR_SCHEMA = ErrorSchema  # document our {code, message, details}, not flask-smorest's default


def api_blueprint(name: str, import_name: str, *, public: bool = False, **kwargs) -> Blueprint:
    """A blueprint of the REST API: every request needs a bearer token (unless `public`: signing in for one);
    cookies (and so CSRF) play no part."""
    from app.api.auth import require_token

    blp = Blueprint(name, import_name, **kwargs)
    if not public:
        blp.before_request(require_token)
    csrf.exempt(blp)
    return blp


def init_api(app: Flask, blueprints: list[Blueprint]) -> None:
    """Mount the modules' REST blueprints (in the order they are declared, app.modules) under /api/v1."""
    # One Api per app: flask-smorest keeps the spec on the instance.
    api = QlvbApi(app)
    app.extensions["qlvb.api"] = api
    for blp in blueprints:
        api.register_blueprint(blp, url_prefix="/api/v1")
    document_errors(api, public={"/api/v1/tokens"})


# The errors every operation may answer, in the one envelope (ErrorSchema), documented on each operation so that a
# client knows them without reading the code: 404 where the path names an object, 409 where the call changes state.
ERRORS = {
    "401": "Thiếu mã truy cập, hoặc mã không hợp lệ / hết hạn",
    "403": "Không có quyền thực hiện",
    "404": "Không tìm thấy (hoặc không được xem) đối tượng",
    "409": "Xung đột với trạng thái hiện tại (đã xử lý, đang được người khác xử lý…)",
    "422": "Dữ liệu không hợp lệ: `details` chỉ ra từng trường",
}


def document_errors(api: Api, *, public: set[str]) -> None:
    for code, description in ERRORS.items():
        content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        api.spec.components.response(f"ERROR_{code}", {"description": description, "content": content})
    for path, operations in api.spec._paths.items():  # apispec keeps the paths here until the document is built
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = {"403", "422"} | ({"401"} if path not in public else set())
            codes |= {"404"} if "{" in path else set()
            codes |= {"409"} if method != "get" else set()
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(code, {"$ref": f"#/components/responses/ERROR_{code}"})

"""REST API under /api/v1: bearer tokens, JSON errors `{code, message, details}`, OpenAPI + local docs page."""

from flask import Flask
from flask_smorest import Api, Blueprint

from app.api.schemas import ErrorSchema
from app.extensions import csrf


class QlvbApi(Api):
    ERROR_SCHEMA = ErrorSchema  # document our {code, message, details}, not flask-smorest's default


class QlvbBlueprint(Blueprint):
    def arguments(self, schema, *args, **kwargs):
        # One instance per endpoint, made here: given a class, webargs makes a new Schema on every request (about
        # 0.1 ms each, bench/inprocess.py). Loading with a shared instance is safe: marshmallow keeps no state in it.
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


def api_blueprint(name: str, import_name: str, *, tag: str, public: bool = False, **kwargs) -> Blueprint:
    """A blueprint of the REST API: every request needs a bearer token (unless `public`: signing in for one);
    cookies (and so CSRF) play no part.

    `tag` is the name its operations are grouped under in the OpenAPI document and on /api/v1/docs, with the
    blueprint's `description` (the blueprint's own name stays an identifier for url_for).
    """
    from app.api.auth import require_token

    blp = QlvbBlueprint(name, import_name, **kwargs)
    blp.tag = tag
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
    name_tags(api, {blp.name: blp.tag for blp in api._app.iter_blueprints() if hasattr(blp, "tag")})
    document_errors(api, public={"/api/v1/tokens"})


def name_tags(api: Api, names: dict[str, str]) -> None:
    """Show each group of operations under its human name: flask-smorest tags them with the blueprint's name."""
    for tag in api.spec._tags:  # apispec keeps the tags here until the document is built
        tag["name"] = names.get(tag["name"], tag["name"])
    for operations in api.spec._paths.values():
        for operation in operations.values():
            if isinstance(operation, dict) and "tags" in operation:
                operation["tags"] = [names.get(t, t) for t in operation["tags"]]


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

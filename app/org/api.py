"""REST endpoints for agencies, units, accounts and delegations."""

import json

from flask import Response
from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema, keyset_page
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.org import auth, delegations, queries, services
from app.org.permissions import managed_agency_ids, managed_user
from app.org.schemas import (
    AgencyCreateArgs,
    AgencySchema,
    AgencyUpdateArgs,
    DelegationCreateArgs,
    DelegationSchema,
    TokenCreatedSchema,
    TokenSchema,
    TokenSignInArgs,
    UnitCreateArgs,
    UnitSchema,
    UserCreateArgs,
    UserListArgs,
    UserPageSchema,
    UserSchema,
    UserUpdateArgs,
)

blp = api_blueprint("org_api", __name__, tag="Tổ chức và tài khoản", description="Cơ quan, đơn vị, tài khoản, ủy quyền")
tokens_blp = api_blueprint(
    "tokens_api",
    __name__,
    tag="Mã truy cập API",
    public=True,
    description="Đăng nhập lấy mã truy cập (Bearer) cho script và ứng dụng khác; xem và thu hồi mã của mình",
)


@tokens_blp.route("/tokens", methods=["POST"])
@tokens_blp.arguments(TokenSignInArgs)
@tokens_blp.response(201, TokenCreatedSchema)
@tokens_blp.alt_response(401, schema=ErrorSchema, description="Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản khóa")
@tokens_blp.alt_response(422, schema=ErrorSchema, description="Dữ liệu không hợp lệ")
@tokens_blp.alt_response(
    429, schema=ErrorSchema, description="Quá nhiều lần đăng nhập (rate_limited, too_many_attempts); xem Retry-After"
)
def create_token(args):
    """Đăng nhập bằng mật khẩu và nhận một mã truy cập (Bearer) — cho script và ứng dụng khác."""
    result = auth.authenticate(args["username"], args["password"])
    if not result.ok:
        # Returned, not raised: the refusal's audit event and failure count must commit (lockout).
        body = {"code": result.code, "message": result.message, "details": {}}
        response = Response(json.dumps(body, ensure_ascii=False), result.status, mimetype="application/json")
        if result.retry_after:
            response.headers["Retry-After"] = str(result.retry_after)
        return response
    token, plain = auth.create_api_token(result.user, name=args["name"], days=args["days"])
    return {**{name: getattr(token, name) for name in TokenSchema().fields}, "token": plain}


@blp.route("/tokens", methods=["GET"], tags=["tokens_api"])  # with signing in, on the docs page
@blp.response(200, TokenSchema(many=True))
def list_tokens():
    """Các mã truy cập của tôi."""
    return queries.tokens_of(api_user())


@blp.route("/tokens/<int:token_id>", methods=["DELETE"], tags=["tokens_api"])
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema)
def revoke_token(token_id: int):
    """Thu hồi một mã truy cập (của mình, hoặc của tài khoản mình quản trị)."""
    auth.revoke_api_token(api_user(), token_id)


def _visible_agency(agency_id: int):
    user = api_user()
    if agency_id != user.agency_id and agency_id not in managed_agency_ids(user):
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    return queries.get_agency(agency_id)


def _user_cursor(text: str | None) -> tuple[int, str, int] | None:
    if not text:
        return None
    try:
        agency_id, full_name, user_id = json.loads(text)
        return int(agency_id), str(full_name), int(user_id)
    except (ValueError, TypeError):
        raise ValidationError(
            "Con trỏ trang không hợp lệ.", details={"after": "Dùng next_cursor của trang trước."}
        ) from None


def _managed_user(user_id: int):
    return managed_user(api_user(), user_id)


@blp.route("/me")
@blp.response(200, UserSchema)
def me():
    """Tài khoản đang dùng mã truy cập."""
    return api_user()


@blp.route("/agencies")
class Agencies(MethodView):
    @blp.response(200, AgencySchema(many=True))
    def get(self):
        """Các cơ quan mà tài khoản quản trị (hoặc cơ quan của mình)."""
        user = api_user()
        return queries.list_agencies(managed_agency_ids(user) or {user.agency_id})

    @blp.arguments(AgencyCreateArgs)
    @blp.response(201, AgencySchema)
    def post(self, args):
        """Thêm cơ quan."""
        return services.create_agency(api_user(), **args)


@blp.route("/agencies/<int:agency_id>")
class AgencyItem(MethodView):
    @blp.response(200, AgencySchema)
    def get(self, agency_id):
        return _visible_agency(agency_id)

    @blp.arguments(AgencyUpdateArgs)
    @blp.response(200, AgencySchema)
    def patch(self, args, agency_id):
        """Sửa thông tin cơ quan."""
        return services.update_agency(api_user(), _visible_agency(agency_id).id, **args)


@blp.route("/agencies/<int:agency_id>/units")
class Units(MethodView):
    @blp.response(200, UnitSchema(many=True))
    def get(self, agency_id):
        return queries.list_units(_visible_agency(agency_id).id)

    @blp.arguments(UnitCreateArgs)
    @blp.response(201, UnitSchema)
    def post(self, args, agency_id):
        return services.create_unit(api_user(), agency_id=_visible_agency(agency_id).id, **args)


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(UserListArgs, location="query")
    @blp.response(200, UserPageSchema)
    @blp.alt_response(403, schema=ErrorSchema)
    def get(self, args):
        """Tài khoản trong các cơ quan mình quản trị, theo cơ quan rồi họ tên; `next_cursor` → `after`."""
        agency_ids = managed_agency_ids(api_user())
        if not agency_ids:
            raise PermissionDenied("Chỉ quản trị hệ thống được xem danh sách tài khoản.")
        if args["agency_id"] in agency_ids:
            agency_ids = {args["agency_id"]}
        rows = queries.list_users(
            agency_ids,
            search=args["q"],
            role=args["role"],
            active=args["active"],
            limit=args["limit"] + 1,
            after=_user_cursor(args["after"]),
        )
        return keyset_page(rows, args["limit"], cursor=lambda u: json.dumps([u.agency_id, u.full_name, u.id]))

    @blp.arguments(UserCreateArgs)
    @blp.response(201, UserSchema)
    def post(self, args):
        return services.create_user(api_user(), **args)


@blp.route("/users/<int:user_id>")
class UserItem(MethodView):
    @blp.response(200, UserSchema)
    def get(self, user_id):
        return _managed_user(user_id)

    @blp.arguments(UserUpdateArgs)
    @blp.response(200, UserSchema)
    def patch(self, args, user_id):
        target = _managed_user(user_id)
        current = {
            "full_name": target.full_name,
            "roles": sorted(r.value for r in target.roles),
            "unit_id": target.unit_id,
            "position": target.position,
            "email": target.email,
            "phone": target.phone,
        }
        return services.update_user(api_user(), target.id, **{**current, **args})


@blp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@blp.response(200, UserSchema)
def deactivate(user_id):
    """Vô hiệu hóa tài khoản (không bao giờ xóa)."""
    return services.deactivate_user(api_user(), _managed_user(user_id).id)


@blp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@blp.response(200, UserSchema)
def reactivate(user_id):
    return services.reactivate_user(api_user(), _managed_user(user_id).id)


@blp.route("/delegations")
class Delegations(MethodView):
    @blp.response(200, DelegationSchema(many=True))
    def get(self):
        user = api_user()
        admin_ids = managed_agency_ids(user)
        return queries.delegations_in(admin_ids) if admin_ids else queries.delegations_of(user)

    @blp.arguments(DelegationCreateArgs)
    @blp.response(201, DelegationSchema)
    def post(self, args):
        return delegations.create_delegation(api_user(), **args)


@blp.route("/delegations/<int:delegation_id>/revoke", methods=["POST"])
@blp.response(200, DelegationSchema)
def revoke(delegation_id):
    return delegations.revoke_delegation(api_user(), delegation_id)

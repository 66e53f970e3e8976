"""marshmallow shapes of agencies, units, users, delegations for the REST API."""

from marshmallow import Schema, fields, validate

from app.api.schemas import Int, PageArgs, Str, page_of
from app.org.models import Role

ROLE_VALUES = [r.value for r in Role]


class AgencySchema(Schema):
    id = Int(dump_only=True)
    code = Str(metadata={"description": "Mã định danh (QCVN 102:2016 hoặc QĐ 20/2020/QĐ-TTg)"})
    name = Str()
    abbreviation = Str()
    parent_id = Int(allow_none=True)
    address = Str(allow_none=True)
    email = Str(allow_none=True)
    phone = Str(allow_none=True)
    open_incoming_to_staff = fields.Bool()
    due_after_lead_allowed = fields.Bool()
    is_active = fields.Bool(dump_only=True)


class AgencyCreateArgs(Schema):
    code = Str(required=True)
    name = Str(required=True, validate=validate.Length(max=200))  # Phụ lục VI Phần II: OrganName String(200)
    abbreviation = Str(required=True)
    parent_id = Int(allow_none=True, load_default=None)
    address = Str(allow_none=True, load_default=None)
    email = Str(allow_none=True, load_default=None)
    phone = Str(allow_none=True, load_default=None)
    open_incoming_to_staff = fields.Bool(load_default=False)
    due_after_lead_allowed = fields.Bool(load_default=False)


class AgencyUpdateArgs(Schema):
    code = Str()
    name = Str(validate=validate.Length(max=200))  # Phụ lục VI Phần II: OrganName String(200)
    abbreviation = Str()
    parent_id = Int(allow_none=True)
    address = Str(allow_none=True)
    email = Str(allow_none=True)
    phone = Str(allow_none=True)
    open_incoming_to_staff = fields.Bool()
    due_after_lead_allowed = fields.Bool()


class UnitSchema(Schema):
    id = Int(dump_only=True)
    agency_id = Int(dump_only=True)
    name = Str()
    abbreviation = Str()
    parent_id = Int(allow_none=True)
    is_active = fields.Bool(dump_only=True)


class UnitCreateArgs(Schema):
    name = Str(required=True)
    abbreviation = Str(required=True)
    parent_id = Int(allow_none=True, load_default=None)


class UserSchema(Schema):
    id = Int(dump_only=True)
    username = Str()
    full_name = Str()
    position = Str(allow_none=True)
    agency_id = Int()
    unit_id = Int(allow_none=True)
    email = Str(allow_none=True)
    phone = Str(allow_none=True)
    roles = fields.Method("dump_roles")
    is_active = fields.Bool()
    last_login_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()

    def dump_roles(self, user) -> list[str]:
        return sorted(r.value for r in user.roles)


class UserCreateArgs(Schema):
    username = Str(required=True)
    full_name = Str(required=True, validate=validate.Length(max=50))  # Phụ lục VI Phần II: FullName String(50)
    password = Str(required=True, load_only=True)
    agency_id = Int(required=True)
    unit_id = Int(allow_none=True, load_default=None)
    roles = fields.List(Str(validate=validate.OneOf(ROLE_VALUES)), required=True)
    position = Str(allow_none=True, load_default=None, validate=validate.Length(max=100))
    email = Str(allow_none=True, load_default=None)
    phone = Str(allow_none=True, load_default=None)


class UserUpdateArgs(Schema):
    full_name = Str(validate=validate.Length(max=50))  # Phụ lục VI Phần II: FullName String(50)
    unit_id = Int(allow_none=True)
    roles = fields.List(Str(validate=validate.OneOf(ROLE_VALUES)))
    position = Str(allow_none=True, validate=validate.Length(max=100))
    email = Str(allow_none=True)
    phone = Str(allow_none=True)


UserPageSchema = page_of(UserSchema, "UserPage")


class UserListArgs(PageArgs):
    q = Str(load_default="")
    role = Str(validate=validate.OneOf(ROLE_VALUES), load_default=None)
    active = fields.Bool(load_default=None)
    agency_id = Int(load_default=None)


class DelegationSchema(Schema):
    id = Int(dump_only=True)
    from_user_id = Int()
    to_user_id = Int()
    roles = fields.List(Str())
    process_ids = fields.List(Str())
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    reason = Str(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True, dump_only=True)


class DelegationCreateArgs(Schema):
    from_user_id = Int(required=True)
    to_user_id = Int(required=True)
    roles = fields.List(Str(validate=validate.OneOf(ROLE_VALUES)), load_default=list)
    process_ids = fields.List(Str(), load_default=list)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    reason = Str(allow_none=True, load_default=None)


class TokenSignInArgs(Schema):
    username = Str(required=True, validate=validate.Length(min=1, max=150))
    password = Str(required=True, validate=validate.Length(min=1, max=1024), load_only=True)
    name = Str(load_default="API", validate=validate.Length(min=1, max=100), metadata={"description": "Tên gợi nhớ"})
    # Bounded by the service (1 … QLVB_API_TOKEN_MAX_DAYS, code invalid_token_lifetime), the rule the page asks too.
    days = Int(load_default=None, metadata={"description": "Hiệu lực (ngày), từ 1 đến mức tối đa của hệ thống"})


class TokenSchema(Schema):
    id = Int(dump_only=True)
    name = Str(dump_only=True)
    prefix = Str(dump_only=True, metadata={"description": "Phần đầu của mã, để nhận ra mã"})
    created_at = fields.DateTime(dump_only=True)
    expires_at = fields.DateTime(dump_only=True, allow_none=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)


class TokenCreatedSchema(TokenSchema):
    token = Str(dump_only=True, metadata={"description": "Mã truy cập; chỉ hiện một lần, không được lưu"})


class AccessWarningSchema(Schema):
    """A change of access rights and whether someone with authority confirmed it (NĐ 30/2020 Phụ lục VI III.3.c)."""

    id = Int(dump_only=True)
    agency_id = Int(dump_only=True)
    action = Str(dump_only=True, attribute="event.action", metadata={"description": "Mã hành động trong nhật ký"})
    summary = Str(dump_only=True, attribute="event.summary")
    actor_name = Str(dump_only=True, attribute="event.actor_name", metadata={"description": "Người thay đổi"})
    occurred_at = fields.AwareDateTime(dump_only=True, attribute="event.occurred_at")
    event_seq = Int(dump_only=True, attribute="event.seq", allow_none=True)
    confirmed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    confirmed_by_id = Int(dump_only=True, allow_none=True)
    note = Str(dump_only=True, allow_none=True)


class AccessWarningListArgs(Schema):
    state = Str(load_default="open", validate=validate.OneOf(["open", "confirmed"]))


class AccessWarningConfirmArgs(Schema):
    note = Str(load_default=None, allow_none=True, validate=validate.Length(max=500))

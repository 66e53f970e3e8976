"""marshmallow shapes of agencies, units, users, delegations for the REST API."""

from marshmallow import Schema, fields, validate

from app.org.models import Role

ROLE_VALUES = [r.value for r in Role]


class AgencySchema(Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str(metadata={"description": "Mã định danh (QCVN 102:2016 hoặc QĐ 20/2020/QĐ-TTg)"})
    name = fields.Str()
    abbreviation = fields.Str()
    parent_id = fields.Int(allow_none=True)
    address = fields.Str(allow_none=True)
    email = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    is_active = fields.Bool(dump_only=True)


class AgencyCreateArgs(Schema):
    code = fields.Str(required=True)
    name = fields.Str(required=True)
    abbreviation = fields.Str(required=True)
    parent_id = fields.Int(allow_none=True, load_default=None)
    address = fields.Str(allow_none=True, load_default=None)
    email = fields.Str(allow_none=True, load_default=None)
    phone = fields.Str(allow_none=True, load_default=None)


class AgencyUpdateArgs(Schema):
    code = fields.Str()
    name = fields.Str()
    abbreviation = fields.Str()
    parent_id = fields.Int(allow_none=True)
    address = fields.Str(allow_none=True)
    email = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)


class UnitSchema(Schema):
    id = fields.Int(dump_only=True)
    agency_id = fields.Int(dump_only=True)
    name = fields.Str()
    abbreviation = fields.Str()
    parent_id = fields.Int(allow_none=True)
    is_active = fields.Bool(dump_only=True)


class UnitCreateArgs(Schema):
    name = fields.Str(required=True)
    abbreviation = fields.Str(required=True)
    parent_id = fields.Int(allow_none=True, load_default=None)


class UserSchema(Schema):
    id = fields.Int(dump_only=True)
    username = fields.Str()
    full_name = fields.Str()
    position = fields.Str(allow_none=True)
    agency_id = fields.Int()
    unit_id = fields.Int(allow_none=True)
    email = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    roles = fields.Method("dump_roles")
    is_active = fields.Bool()
    last_login_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()

    def dump_roles(self, user) -> list[str]:
        return sorted(r.value for r in user.roles)


class UserCreateArgs(Schema):
    username = fields.Str(required=True)
    full_name = fields.Str(required=True)
    password = fields.Str(required=True, load_only=True)
    agency_id = fields.Int(required=True)
    unit_id = fields.Int(allow_none=True, load_default=None)
    roles = fields.List(fields.Str(validate=validate.OneOf(ROLE_VALUES)), required=True)
    position = fields.Str(allow_none=True, load_default=None)
    email = fields.Str(allow_none=True, load_default=None)
    phone = fields.Str(allow_none=True, load_default=None)


class UserUpdateArgs(Schema):
    full_name = fields.Str()
    unit_id = fields.Int(allow_none=True)
    roles = fields.List(fields.Str(validate=validate.OneOf(ROLE_VALUES)))
    position = fields.Str(allow_none=True)
    email = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)


class UserListArgs(Schema):
    q = fields.Str(load_default="")
    role = fields.Str(validate=validate.OneOf(ROLE_VALUES), load_default=None)
    active = fields.Bool(load_default=None)
    agency_id = fields.Int(load_default=None)


class DelegationSchema(Schema):
    id = fields.Int(dump_only=True)
    from_user_id = fields.Int()
    to_user_id = fields.Int()
    roles = fields.List(fields.Str())
    process_ids = fields.List(fields.Str())
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    reason = fields.Str(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True, dump_only=True)


class DelegationCreateArgs(Schema):
    from_user_id = fields.Int(required=True)
    to_user_id = fields.Int(required=True)
    roles = fields.List(fields.Str(validate=validate.OneOf(ROLE_VALUES)), load_default=list)
    process_ids = fields.List(fields.Str(), load_default=list)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    reason = fields.Str(allow_none=True, load_default=None)

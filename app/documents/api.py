"""REST endpoints: the document types catalogue; an agency's registers with this year's numbers."""

from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.core.errors import NotFound, PermissionDenied
from app.documents import numbering, permissions, queries, services
from app.documents.models import Register
from app.documents.schemas import (
    DocumentTypeCreateArgs,
    DocumentTypeListArgs,
    DocumentTypeSchema,
    RegisterCreateArgs,
    RegisterListArgs,
    RegisterSchema,
    RegisterUpdateArgs,
)
from app.org.permissions import managed_agency_ids

blp = api_blueprint(
    "documents_api", __name__, tag="Loại văn bản và sổ", description="Loại văn bản, sổ đăng ký văn bản và cấp số"
)


def _agency_id(requested: int | None) -> int:
    """The caller's agency, or one they administer; any other answers 404."""
    user = api_user()
    if requested is None or requested == user.agency_id:
        return user.agency_id
    if requested not in managed_agency_ids(user):
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    return requested


def _with_numbers(registers: list[Register]) -> list[dict]:
    year = numbering.current_year()
    last = queries.last_numbers([r.id for r in registers], year)
    return [
        {
            **{f: getattr(r, f) for f in ("id", "agency_id", "kind", "code", "name", "is_default", "is_active")},
            "document_type_codes": list(r.document_type_codes or []),
            "year": year,
            "last_number": last.get(r.id, 0),
            "next_number": last.get(r.id, 0) + 1,
        }
        for r in registers
    ]


@blp.route("/document-types")
class DocumentTypes(MethodView):
    @blp.arguments(DocumentTypeListArgs, location="query")
    @blp.response(200, DocumentTypeSchema(many=True))
    def get(self, args):
        """Loại văn bản dùng được: danh mục dùng chung (Phụ lục III NĐ 30/2020) và loại riêng của cơ quan."""
        return queries.list_document_types(api_user().agency_id, search=args["q"], category=args["category"])

    @blp.arguments(DocumentTypeCreateArgs)
    @blp.response(201, DocumentTypeSchema)
    def post(self, args):
        """Thêm loại văn bản riêng của cơ quan. Chỉ quản trị."""
        agency_id = _agency_id(args.pop("agency_id"))
        return services.create_document_type(api_user(), agency_id=agency_id, **args)


@blp.route("/registers")
class Registers(MethodView):
    @blp.arguments(RegisterListArgs, location="query")
    @blp.response(200, RegisterSchema(many=True))
    def get(self, args):
        """Sổ đăng ký văn bản của cơ quan, với số cuối cùng đã cấp trong năm nay."""
        agency_id = _agency_id(args["agency_id"])
        return _with_numbers(queries.list_registers(agency_id, kind=args["kind"]))

    @blp.arguments(RegisterCreateArgs)
    @blp.response(201, RegisterSchema)
    def post(self, args):
        """Mở sổ đăng ký văn bản. Chỉ quản trị."""
        agency_id = _agency_id(args.pop("agency_id"))
        register = services.create_register(api_user(), agency_id=agency_id, **args)
        return _with_numbers([register])[0]


@blp.route("/registers/<int:register_id>")
class RegisterItem(MethodView):
    @blp.response(200, RegisterSchema)
    def get(self, register_id):
        register = queries.get_register(register_id)
        _agency_id(register.agency_id)
        return _with_numbers([register])[0]

    @blp.arguments(RegisterUpdateArgs)
    @blp.response(200, RegisterSchema)
    def patch(self, args, register_id):
        """Sửa sổ: tên, mã, loại văn bản, sổ mặc định, ngừng sử dụng. Chỉ quản trị."""
        register = queries.get_register(register_id)
        agency_id = _agency_id(register.agency_id)
        if not permissions.can_manage(api_user(), agency_id):
            raise PermissionDenied("Chỉ quản trị hệ thống được sửa sổ đăng ký văn bản.")
        return _with_numbers([services.update_register(api_user(), register.id, **args)])[0]

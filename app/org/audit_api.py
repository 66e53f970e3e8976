"""REST endpoint for reading the audit log with the same filters as its page."""

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema, id_cursor, keyset_page
from app.audit import filters
from app.core.errors import PermissionDenied
from app.org.audit_schemas import AuditEventPageSchema, AuditListArgs
from app.org.permissions import audit_agency_ids

blp = api_blueprint("audit_api", __name__, tag="Nhật ký hệ thống", description="Nhật ký mọi thay đổi, chỉ đọc")


@blp.route("/audit")
@blp.arguments(AuditListArgs, location="query")
@blp.response(200, AuditEventPageSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema, description="Điều kiện lọc không hợp lệ (audit_filter_invalid)")
def list_events(args):
    """Sự kiện của các cơ quan mình quản trị, mới nhất trước; `next_cursor` (số thứ tự `seq`) → `after`."""
    agency_ids = audit_agency_ids(api_user())
    if not agency_ids:
        raise PermissionDenied("Chỉ quản trị hệ thống được xem nhật ký hệ thống.")
    found = filters.require_filters({k: v for k, v in args.items() if isinstance(v, str)})
    rows = filters.search(agency_ids, found, before_seq=id_cursor(args["after"]), limit=args["limit"] + 1)
    return keyset_page(rows, args["limit"], cursor=lambda e: str(e.seq))

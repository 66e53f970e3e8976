"""REST endpoints of a process's versions (/api/v1/designer/…): list, metadata, BPMN, diff and rollback."""

from flask import Response
from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema
from app.designer import versions
from app.designer.versions_schemas import (
    DesignerCompareArgs,
    DesignerRollbackArgs,
    DesignerVersionDiffSchema,
    DesignerVersionRowSchema,
)

blp = api_blueprint(
    "designer_versions_api", __name__, tag="Phiên bản quy trình", description="Phiên bản, so sánh, khôi phục"
)


def _row(row: versions.VersionRow) -> dict:
    v = row.version
    data = {key: getattr(v, key) for key in DesignerVersionRowSchema().fields if hasattr(v, key)}
    return data | {
        "running": row.running,
        "is_current": row.is_current,
        "same_as_current": row.same_as_current,
        "based_on_number": row.based_on_number,
        "deployed_by_name": row.deployed_by_name,
        "scope": "agency" if v.agency_id else "global",
    }


@blp.route("/designer/processes/<process_id>/versions")
class ProcessVersions(MethodView):
    @blp.response(200, DesignerVersionRowSchema(many=True))
    def get(self, process_id):
        """Các phiên bản của quy trình (của cơ quan và mặc định toàn hệ thống), mới nhất trước."""
        return [_row(row) for row in versions.version_rows(api_user(), process_id)]


@blp.route("/designer/versions/compare")
class CompareVersions(MethodView):
    @blp.arguments(DesignerCompareArgs, location="query")
    @blp.response(200, DesignerVersionDiffSchema)
    def get(self, args):
        """Thay đổi thuộc tính (biểu mẫu, thời hạn, vai trò, thao tác) và biểu mẫu từ phiên bản a đến b."""
        return versions.compare(api_user(), args["a"], args["b"])


@blp.route("/designer/versions/<int:version_id>")
class Version(MethodView):
    @blp.response(200, DesignerVersionRowSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, version_id):
        """Thông tin một phiên bản (version_not_found nếu là phiên bản của cơ quan khác)."""
        return _row(versions.version_row(api_user(), version_id))


@blp.route("/designer/versions/<int:version_id>/bpmn")
class VersionBpmn(MethodView):
    @blp.doc(responses={"200": {"description": "Tệp BPMN (XML)", "content": {"application/xml": {}}}})
    def get(self, version_id):
        """Tệp BPMN của phiên bản, cho trình xem sơ đồ."""
        return Response(versions.get_version(api_user(), version_id).bpmn_xml, mimetype="application/xml")


@blp.route("/designer/versions/<int:version_id>/rollback")
class Rollback(MethodView):
    @blp.arguments(DesignerRollbackArgs)
    @blp.response(201, DesignerVersionRowSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="version_in_use: nội dung này đang được dùng")
    def post(self, args, version_id):
        """Khôi phục: triển khai lại nội dung phiên bản thành phiên bản mới của cơ quan."""
        user = api_user()
        new = versions.rollback(user, version_id, args["comment"])
        return _row(versions.version_row(user, new.id))

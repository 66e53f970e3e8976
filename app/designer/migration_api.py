"""REST endpoints: check and move an agency's running cases to a newer version (/api/v1/designer/migrations)."""

from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema
from app.designer import migration
from app.designer.migration_schemas import (
    MigrationCheckArgs,
    MigrationCheckSchema,
    MigrationResultSchema,
    MigrationRunArgs,
)

blp = api_blueprint(
    "designer_migration_api",
    __name__,
    tag="Chuyển phiên bản hồ sơ",
    description="Chuyển hồ sơ đang xử lý sang phiên bản mới",
)


def _case(check) -> dict:
    return {
        "instance_id": check.instance.id,
        "title": check.instance.title,
        "status": check.instance.status,
        "can_migrate": check.ok,
        "reason": check.reason,
        "current_steps": list(check.current_steps),
    }


@blp.route("/designer/migrations/check")
class MigrationCheck(MethodView):
    @blp.arguments(MigrationCheckArgs, location="query")
    @blp.response(200, MigrationCheckSchema)
    @blp.alt_response(403, schema=ErrorSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    def get(self, args):
        """Kiểm tra từng hồ sơ đang xử lý của phiên bản nguồn: chuyển được sang phiên bản đích không, vì sao."""
        source, target, checks = migration.check_cases(api_user(), args["source"], args["target"])
        return {"source_version_id": source.id, "target_version_id": target.id, "cases": [_case(c) for c in checks]}


@blp.route("/designer/migrations")
class Migrations(MethodView):
    @blp.arguments(MigrationRunArgs)
    @blp.response(200, MigrationResultSchema)
    @blp.alt_response(403, schema=ErrorSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    def post(self, args):
        """Chuyển các hồ sơ đã chọn; hồ sơ không đạt kiểm tra giữ phiên bản cũ và được nêu lý do."""
        source, target, result = migration.migrate_cases(
            api_user(), args["source"], args["target"], args["instance_ids"]
        )
        return {
            "source_version_id": source.id,
            "target_version_id": target.id,
            "migrated": [i.id for i in result.migrated],
            "refused": [_case(c) for c in result.refused],
            "missing": result.missing,
        }

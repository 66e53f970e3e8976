"""REST endpoints of the agency directory (danh bạ liên thông): list, get, create, update, merge, import."""

from flask import request
from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.exchange import directory, directory_import
from app.exchange.directory_schemas import (
    DIRECTORY_UPLOAD,
    DirectoryEntryCreateArgs,
    DirectoryEntrySchema,
    DirectoryEntryUpdateArgs,
    DirectoryImportReportSchema,
    DirectoryListArgs,
    DirectoryMergeArgs,
)
from app.exchange.permissions import require_manage_exchange, require_read_directory

blp = api_blueprint(
    "exchange_directory_api",
    __name__,
    tag="Danh bạ liên thông",
    description="Cơ quan ngoài hệ thống theo mã định danh, hệ thống liên thông phục vụ, sáp nhập (QĐ 09/2025)",
)


def _reader():
    user = api_user()
    require_read_directory(user)
    return user


def _admin():
    user = api_user()
    require_manage_exchange(user)
    return user


@blp.route("/exchange/directory")
class Directory(MethodView):
    @blp.arguments(DirectoryListArgs, location="query")
    @blp.response(200, DirectoryEntrySchema(many=True))
    def get(self, args):
        """Danh bạ liên thông, lọc theo mã/tên, tình trạng, hệ thống liên thông (mọi người dùng xem được)."""
        _reader()
        return directory.list_entries(**args)

    @blp.arguments(DirectoryEntryCreateArgs)
    @blp.response(201, DirectoryEntrySchema)
    def post(self, args):
        """Thêm cơ quan ngoài hệ thống."""
        return directory.add_entry(_admin(), **args)


@blp.route("/exchange/directory/<int:entry_id>")
class DirectoryItem(MethodView):
    @blp.response(200, DirectoryEntrySchema)
    def get(self, entry_id):
        _reader()
        return directory.get_entry(entry_id)

    @blp.arguments(DirectoryEntryUpdateArgs)
    @blp.response(200, DirectoryEntrySchema)
    def patch(self, args, entry_id):
        """Sửa tên, hệ thống liên thông, ghi chú (mã định danh không đổi: mã mới là một sáp nhập)."""
        return directory.update_entry(_admin(), entry_id, **args)


@blp.route("/exchange/directory/<int:entry_id>/merge", methods=["POST"])
@blp.arguments(DirectoryMergeArgs)
@blp.response(200, DirectoryEntrySchema)
def merge(args, entry_id):
    """Ghi nhận cơ quan đã sáp nhập vào cơ quan mã `into_code` (QĐ 09/2025)."""
    return directory.merge_entry(_admin(), entry_id, args["into_code"])


@blp.route("/exchange/directory/<int:entry_id>/<any(deactivate, reactivate):change>", methods=["POST"])
@blp.response(200, DirectoryEntrySchema)
def set_active(entry_id, change):
    """Ngừng dùng hoặc dùng lại một cơ quan trong danh bạ."""
    return directory.set_entry_active(_admin(), entry_id, change == "reactivate")


@blp.route("/exchange/directory/import", methods=["POST"])
@blp.doc(requestBody=DIRECTORY_UPLOAD)
@blp.response(200, DirectoryImportReportSchema)
def import_file():
    """Nhập danh bạ từ tệp CSV/XML: tất cả hoặc không; lỗi từng dòng trong `details`, khóa theo số dòng
    của tệp (line_3 là “Dòng 3”)."""
    user = _admin()
    upload = request.files.get("file")
    dry_run = (request.form.get("dry_run") or "").lower() in ("1", "true", "yes")
    report = directory_import.import_directory(
        user, upload.read() if upload else None, upload.filename if upload else None, dry_run=dry_run
    )
    return report.as_dict()

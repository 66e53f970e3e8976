"""REST endpoints of the Lưu trữ cơ quan: settings, transfers (nộp lưu), the archive list, eligible records, holds,
destructions. Each call is one unit of work (the request); refusals carry stable codes (dossier_status,
dossier_on_hold, dossier_not_expired, destruction_not_approved, dossier_check_failed …)."""

from flask import Response
from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.core import clock
from app.core.errors import PermissionDenied
from app.dossiers import destruction, permissions, retention, settings, transfer
from app.dossiers.archive_schemas import (
    ArchiveDossierIdArgs,
    ArchiveDossierPageSchema,
    ArchiveListArgs,
    ArchiveReasonArgs,
    DossierDestructionApproveArgs,
    DossierDestructionCreateArgs,
    DossierDestructionProposeArgs,
    DossierDestructionSchema,
    DossierHoldCreateArgs,
    DossierHoldReleaseArgs,
    DossierHoldSchema,
    DossierSettingsSchema,
    DossierSettingsUpdateArgs,
    DossierTransferCreateArgs,
    DossierTransferEntrySchema,
    DossierTransferSchema,
    EligibleArgs,
)

blp = api_blueprint(
    "dossiers_archive_api",
    __name__,
    tag="Lưu trữ cơ quan",
    description="Nộp lưu, tiếp nhận, phong tỏa và hủy hồ sơ hết giá trị (NĐ 30/2020 Điều 30; quy chế Điều 20, 25)",
)


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


# ---- settings --------------------------------------------------------------------------------------------------


@blp.route("/dossier-settings")
class Settings(MethodView):
    @blp.response(200, DossierSettingsSchema)
    def get(self):
        """Thiết lập nộp lưu của cơ quan người gọi (mặc định P1Y, P3M, nhắc trước 30 ngày)."""
        return settings.settings_for(api_user().agency_id)

    @blp.arguments(DossierSettingsUpdateArgs)
    @blp.response(200, DossierSettingsSchema)
    def put(self, args):
        """Sửa thiết lập (quản trị hoặc lãnh đạo cơ quan); lỗi `invalid_dossier_settings` với `details`."""
        user = api_user()
        transfer.update_settings(user, user.agency_id, args)
        return settings.settings_for(user.agency_id)


# ---- transfers -------------------------------------------------------------------------------------------------


@blp.route("/dossier-transfers")
class Transfers(MethodView):
    @blp.response(200, DossierTransferSchema(many=True))
    def get(self):
        """Các lần nộp lưu: Lưu trữ cơ quan và lãnh đạo thấy cả cơ quan, người khác thấy lần mình nộp."""
        return transfer.transfers(api_user())

    @blp.arguments(DossierTransferCreateArgs)
    @blp.response(201, DossierTransferSchema)
    def post(self, args):
        """Nộp lưu các hồ sơ đã kết thúc của người gọi, cùng một lần.

        Mã `dossier_status` nếu có hồ sơ sai trạng thái: không hồ sơ nào được nộp."""
        return transfer.submit(
            api_user(), args["dossier_ids"], name=args["name"], condition_note=args["condition_note"]
        )


@blp.route("/dossier-transfers/<int:transfer_id>")
@blp.response(200, DossierTransferSchema)
def get_transfer(transfer_id: int):
    """Một lần nộp lưu với từng hồ sơ, manifest mã băm và kết quả kiểm tra."""
    return transfer.get_transfer(api_user(), transfer_id)


@blp.route("/dossier-transfers/<int:transfer_id>/entries/<int:entry_id>/check", methods=["POST"])
@blp.response(200, DossierTransferEntrySchema)
def check_entry(transfer_id: int, entry_id: int):
    """Kiểm tra: đọc lại từng tệp, so mã băm với manifest, kiểm tra đủ thông tin (Lưu trữ cơ quan)."""
    return transfer.check(api_user(), transfer_id, entry_id)


@blp.route("/dossier-transfers/<int:transfer_id>/entries/<int:entry_id>/accept", methods=["POST"])
@blp.response(200, DossierTransferEntrySchema)
def accept_entry(transfer_id: int, entry_id: int):
    """Tiếp nhận hồ sơ vào Lưu trữ cơ quan; từ chối `dossier_check_failed` nếu kiểm tra không đạt."""
    return transfer.accept(api_user(), transfer_id, entry_id)


@blp.route("/dossier-transfers/<int:transfer_id>/entries/<int:entry_id>/return", methods=["POST"])
@blp.arguments(ArchiveReasonArgs)
@blp.response(200, DossierTransferEntrySchema)
def return_entry(args, transfer_id: int, entry_id: int):
    """Trả lại hồ sơ cho người lập, kèm lý do (bắt buộc, mã `return_reason_required`)."""
    return transfer.return_entry(api_user(), transfer_id, entry_id, reason=args["reason"])


@blp.route("/dossier-transfers/<int:transfer_id>/muc-luc.pdf")
@blp.response(200, content_type="application/pdf")
def transfer_muc_luc(transfer_id: int):
    """Mục lục hồ sơ, tài liệu nộp lưu (Phụ lục V.III), PDF."""
    from app.dossiers import archive_printing  # reportlab: imported on first use (test_lazy_imports)

    sent = transfer.get_transfer(api_user(), transfer_id)
    return _pdf(archive_printing.muc_luc_pdf(sent), f"muc-luc-nop-luu-{sent.id}.pdf")


@blp.route("/dossier-transfers/<int:transfer_id>/bien-ban.pdf")
@blp.response(200, content_type="application/pdf")
def transfer_bien_ban(transfer_id: int):
    """Biên bản giao nhận hồ sơ, tài liệu (Phụ lục V.V), PDF."""
    from app.dossiers import archive_printing

    sent = transfer.get_transfer(api_user(), transfer_id)
    return _pdf(archive_printing.bien_ban_giao_nhan_pdf(sent), f"bien-ban-giao-nhan-{sent.id}.pdf")


# ---- the archive -----------------------------------------------------------------------------------------------


@blp.route("/archive/dossiers")
@blp.arguments(ArchiveListArgs, location="query")
@blp.response(200, ArchiveDossierPageSchema)
def archive_list(args):
    """Hồ sơ lưu trữ người gọi được xem, tìm theo mã/tiêu đề, năm, mã thời hạn bảo quản."""
    rows, total = retention.archive_list(api_user(), **args)
    return {"items": rows, "total": total}


@blp.route("/archive/eligible")
@blp.arguments(EligibleArgs, location="query")
@blp.response(200, ArchiveDossierPageSchema)
def eligible(args):
    """Hồ sơ hết thời hạn bảo quản, không bị phong tỏa, chưa trong danh mục hủy (Lưu trữ cơ quan, lãnh đạo), hết hạn
    sớm nhất trước, từng trang."""
    user = api_user()
    if not permissions.can_read_archive(user, user.agency_id):
        raise PermissionDenied("Danh sách này dành cho Lưu trữ cơ quan và lãnh đạo cơ quan.")
    today = clock.local_today()
    rows = retention.eligible_for_destruction(user.agency_id, today, limit=args["limit"], offset=args["offset"])
    return {"items": rows, "total": retention.count_eligible(user.agency_id, today)}


# ---- holds -----------------------------------------------------------------------------------------------------


@blp.route("/dossier-holds")
class Holds(MethodView):
    @blp.response(200, DossierHoldSchema(many=True))
    def get(self):
        """Các lệnh phong tỏa của cơ quan."""
        return retention.holds(api_user())

    @blp.arguments(DossierHoldCreateArgs)
    @blp.response(201, DossierHoldSchema)
    def post(self, args):
        """Phong tỏa hồ sơ (tên, lý do, danh sách hồ sơ)."""
        return retention.create_hold(api_user(), **args)


@blp.route("/dossier-holds/<int:hold_id>")
@blp.response(200, DossierHoldSchema)
def get_hold(hold_id: int):
    """Một lệnh phong tỏa."""
    return retention.get_hold(api_user(), hold_id)


@blp.route("/dossier-holds/<int:hold_id>/dossiers", methods=["POST"])
@blp.arguments(ArchiveDossierIdArgs)
@blp.response(200, DossierHoldSchema)
def hold_add(args, hold_id: int):
    """Thêm hồ sơ vào lệnh phong tỏa."""
    return retention.add_to_hold(api_user(), hold_id, args["dossier_id"])


@blp.route("/dossier-holds/<int:hold_id>/dossiers/<int:dossier_id>", methods=["DELETE"])
@blp.response(200, DossierHoldSchema)
def hold_remove(hold_id: int, dossier_id: int):
    """Gỡ một hồ sơ khỏi lệnh phong tỏa."""
    return retention.remove_from_hold(api_user(), hold_id, dossier_id)


@blp.route("/dossier-holds/<int:hold_id>/release", methods=["POST"])
@blp.arguments(DossierHoldReleaseArgs)
@blp.response(200, DossierHoldSchema)
def hold_release(args, hold_id: int):
    """Gỡ phong tỏa, kèm lý do (bắt buộc)."""
    return retention.release_hold(api_user(), hold_id, note=args["note"])


# ---- destructions ----------------------------------------------------------------------------------------------


@blp.route("/dossier-destructions")
class Destructions(MethodView):
    @blp.response(200, DossierDestructionSchema(many=True))
    def get(self):
        """Các danh mục tài liệu hết giá trị và biên bản hủy."""
        return destruction.destructions(api_user())

    @blp.arguments(DossierDestructionCreateArgs)
    @blp.response(201, DossierDestructionSchema)
    def post(self, args):
        """Lập danh mục hủy từ hồ sơ hết hạn (Lưu trữ cơ quan); `dossier_on_hold`, `dossier_not_expired` …"""
        return destruction.create(api_user(), **args)


@blp.route("/dossier-destructions/<int:destruction_id>")
@blp.response(200, DossierDestructionSchema)
def get_destruction(destruction_id: int):
    """Một danh mục hủy; đã thực hiện: biên bản hủy vĩnh viễn (mã băm, số phận từng tệp)."""
    return destruction.get(api_user(), destruction_id)


@blp.route("/dossier-destructions/<int:destruction_id>/discard", methods=["POST"])
@blp.response(204)
def destruction_discard(destruction_id: int):
    """Bỏ một danh mục đang lập (chưa trình); `destruction_not_draft` khi đã trình."""
    destruction.discard(api_user(), destruction_id)


@blp.route("/dossier-destructions/<int:destruction_id>/dossiers", methods=["POST"])
@blp.arguments(ArchiveDossierIdArgs)
@blp.response(200, DossierDestructionSchema)
def destruction_add(args, destruction_id: int):
    """Thêm hồ sơ vào danh mục (chỉ khi đang lập)."""
    return destruction.add_dossier(api_user(), destruction_id, args["dossier_id"])


@blp.route("/dossier-destructions/<int:destruction_id>/dossiers/<int:dossier_id>", methods=["DELETE"])
@blp.response(200, DossierDestructionSchema)
def destruction_remove(destruction_id: int, dossier_id: int):
    """Rút hồ sơ khỏi danh mục (chỉ khi đang lập)."""
    return destruction.remove_dossier(api_user(), destruction_id, dossier_id)


@blp.route("/dossier-destructions/<int:destruction_id>/propose", methods=["POST"])
@blp.arguments(DossierDestructionProposeArgs)
@blp.response(200, DossierDestructionSchema)
def destruction_propose(args, destruction_id: int):
    """Trình người đứng đầu cơ quan, kèm ý kiến Hội đồng xác định giá trị tài liệu (bắt buộc)."""
    return destruction.propose(api_user(), destruction_id, council_opinion=args["council_opinion"])


@blp.route("/dossier-destructions/<int:destruction_id>/approve", methods=["POST"])
@blp.arguments(DossierDestructionApproveArgs)
@blp.response(200, DossierDestructionSchema)
def destruction_approve(args, destruction_id: int):
    """Phê duyệt hủy, số và ngày Quyết định (người đứng đầu cơ quan)."""
    return destruction.approve(api_user(), destruction_id, **args)


@blp.route("/dossier-destructions/<int:destruction_id>/reject", methods=["POST"])
@blp.arguments(ArchiveReasonArgs)
@blp.response(200, DossierDestructionSchema)
def destruction_reject(args, destruction_id: int):
    """Không phê duyệt, kèm lý do; các hồ sơ trở lại danh sách hết hạn."""
    return destruction.reject(api_user(), destruction_id, reason=args["reason"])


@blp.route("/dossier-destructions/<int:destruction_id>/execute", methods=["POST"])
@blp.response(200, DossierDestructionSchema)
def destruction_execute(destruction_id: int):
    """Thực hiện hủy (Lưu trữ cơ quan, sau phê duyệt; `destruction_not_approved`). Không thể hoàn tác."""
    return destruction.execute(api_user(), destruction_id)


@blp.route("/dossier-destructions/<int:destruction_id>/bien-ban.pdf")
@blp.response(200, content_type="application/pdf")
def destruction_pdf(destruction_id: int):
    """Biên bản hủy tài liệu hết giá trị, PDF."""
    from app.dossiers import archive_printing

    record = destruction.get(api_user(), destruction_id)
    return _pdf(archive_printing.bien_ban_huy_pdf(record), f"bien-ban-huy-{record.id}.pdf")

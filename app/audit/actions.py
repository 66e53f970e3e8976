"""What each audit action code means, in Vietnamese: the one place the log's pages take their labels from.

The code (`incoming.register`) stays the stable key stored in the chain and used in filters; people read the label.
A code recorded anywhere in `app` without a label here fails the suite (tests/audit/test_actions.py).
"""

ACTION_LABELS: dict[str, str] = {
    # Đăng nhập, tài khoản, tổ chức
    "auth.login": "Đăng nhập",
    "auth.login_failed": "Đăng nhập không thành công",
    "auth.lockout": "Tạm khóa tài khoản do đăng nhập sai",
    "auth.logout": "Đăng xuất",
    "auth.password_change": "Đổi mật khẩu",
    "auth.password_reset": "Đặt lại mật khẩu",
    "api_token.create": "Tạo mã truy cập API",
    "api_token.revoke": "Thu hồi mã truy cập API",
    "agency.create": "Thêm cơ quan",
    "agency.update": "Sửa thông tin cơ quan",
    "unit.create": "Thêm đơn vị",
    "unit.update": "Sửa thông tin đơn vị",
    "user.create": "Tạo tài khoản",
    "user.update": "Sửa tài khoản",
    "user.deactivate": "Vô hiệu hóa tài khoản",
    "user.reactivate": "Kích hoạt lại tài khoản",
    "delegation.create": "Ủy quyền",
    "delegation.revoke": "Thu hồi ủy quyền",
    # Lịch làm việc
    "calendar.update_hours": "Sửa giờ làm việc",
    "calendar.reset_hours": "Đưa về giờ làm việc mặc định",
    "calendar.add_override": "Thêm ngày nghỉ / ngày làm bù",
    "calendar.remove_override": "Bỏ ngày nghỉ / ngày làm bù",
    "sla.update_settings": "Sửa thiết lập thời hạn xử lý",
    "sla.reset_settings": "Đưa thiết lập thời hạn xử lý về mặc định",
    "escalation.update_policy": "Sửa chính sách nhắc việc, báo cáo quá hạn",
    "escalation.reset_policy": "Đưa chính sách nhắc việc, báo cáo quá hạn về mặc định",
    # Loại văn bản, sổ, cấp số
    "document_type.create": "Thêm loại văn bản",
    "document_type.update": "Sửa loại văn bản",
    "register.create": "Mở sổ văn bản",
    "register.update": "Sửa sổ văn bản",
    "register.assign_number": "Cấp số trong sổ",
    # Chữ ký số
    "signing.credential_add": "Thêm chứng thư số",
    "signing.credential_deactivate": "Vô hiệu hóa chứng thư số",
    "signing.pin_refused": "Nhập sai mã PIN ký số",
    # Quy trình, việc
    "process.deploy": "Triển khai quy trình",
    "workflow.start": "Khởi tạo quy trình",
    "workflow.cancel": "Hủy quy trình",
    "workflow.retry": "Chạy lại quy trình lỗi",
    "workflow.error": "Quy trình gặp lỗi",
    "workflow.note": "Ghi chú của quy trình",
    "task.claim": "Nhận việc",
    "task.unclaim": "Trả lại việc",
    "task.reassign": "Chuyển giao việc",
    "task.release": "Trả việc về hộp việc chung",
    "task.complete": "Hoàn thành bước xử lý",
    # Văn bản đến
    "incoming.receive": "Tiếp nhận văn bản đến",
    "incoming.return": "Trả lại văn bản đến",
    "incoming.register": "Đăng ký văn bản đến",
    "incoming.direct": "Chỉ đạo xử lý văn bản đến",
    "incoming.complete": "Hoàn thành xử lý văn bản đến",
    "incoming.view": "Xem văn bản đến",
    "incoming.print_register": "In sổ đăng ký văn bản đến",
    "incoming.print_follow_up": "In sổ theo dõi giải quyết văn bản đến",
    "incoming.recall_request": "Nơi gửi yêu cầu thu hồi văn bản đến",
    "incoming.recall_accept": "Đồng ý thu hồi văn bản đến",
    "incoming.recall_refuse": "Từ chối thu hồi văn bản đến",
    "incoming.extension_request": "Xin gia hạn giải quyết văn bản đến",
    "incoming.extension_approve": "Đồng ý gia hạn giải quyết văn bản đến",
    "incoming.extension_refuse": "Không đồng ý gia hạn giải quyết văn bản đến",
    "incoming.return_to_unit": "Trả lại văn bản đến cho lãnh đạo đơn vị",
    "incoming.reassign": "Giao lại văn bản đến cho chuyên viên",
    "incoming.progress": "Cập nhật tiến độ giải quyết văn bản đến",
    # Văn bản đi
    "outgoing.create": "Soạn dự thảo văn bản đi",
    "outgoing.update": "Sửa thông tin dự thảo",
    "outgoing.upload_version": "Tải lên phiên bản dự thảo",
    "outgoing.revise_draft": "Người duyệt tải lên bản chỉnh sửa dự thảo",
    "outgoing.add_attachment": "Thêm tệp kèm theo",
    "outgoing.remove_attachment": "Bỏ tệp kèm theo",
    "outgoing.submit": "Trình dự thảo văn bản đi",
    "outgoing.comment": "Góp ý dự thảo",
    "outgoing.review": "Cho ý kiến, duyệt dự thảo",
    "outgoing.status": "Chuyển trạng thái văn bản đi",
    "outgoing.cancel": "Hủy dự thảo văn bản đi",
    "outgoing.sign": "Ký số văn bản đi",
    "outgoing.issue": "Cấp số, ban hành văn bản đi",
    "outgoing.dispatch": "Gửi văn bản đi",
    "outgoing.retry_delivery": "Tự động gửi lại văn bản đi",
    "outgoing.resend": "Gửi lại văn bản đi",
    "outgoing.export": "Tải gói tin edXML",
    "outgoing.recall": "Thu hồi văn bản đi",
    "outgoing.start_related": "Soạn văn bản thay thế, cập nhật, đính chính",
    "outgoing.view": "Xem văn bản đi",
    "outgoing.print_register": "In sổ đăng ký văn bản đi",
    # Bản sao
    "copy.create": "Tạo bản sao điện tử",
    "copy.view": "Tải bản sao điện tử",
    # Tìm kiếm (NĐ 30/2020 Phụ lục VI III.6)
    "search.save": "Lưu yêu cầu tìm kiếm",
    "search.delete_saved": "Xóa yêu cầu tìm kiếm đã lưu",
    "search.columns": "Chọn cột hiển thị kết quả tìm kiếm",
    "search.export": "Kết xuất kết quả tìm kiếm",
}


def action_label(code: str) -> str:
    """The Vietnamese label of an action code; an unknown code (an older release's) is shown as it is."""
    return ACTION_LABELS.get(code, code)

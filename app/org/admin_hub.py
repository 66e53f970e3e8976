"""The administration hub (/admin): every screen an administrator (quan_tri) is responsible for, in one place.

Seed 003 Điều 16.6 and 004 Điều 13.3 make the administrator answer for accounts, permissions and catalogues as
the organisation changes; each card names the screen and what it is for. Cards name endpoints of other modules as
text (org sits below them and imports none): the page shows only those the running application registered, and
of those only the ones the person may open (a card that answers 403 is a dead end).
"""

from dataclasses import dataclass

from app.core.modules import resolve


@dataclass(frozen=True)
class AdminCard:
    title: str
    endpoint: str
    description: str
    # "mod:func(user) -> bool": the permission function the screen's own views ask, named as text like the
    # endpoint (org imports nothing above it); None: every administrator who reaches the hub may open it.
    allowed: str | None = None


@dataclass(frozen=True)
class AdminSection:
    title: str
    cards: tuple[AdminCard, ...]


SECTIONS: tuple[AdminSection, ...] = (
    AdminSection(
        "Tổ chức và tài khoản",
        (
            AdminCard("Cơ quan, đơn vị", "admin.agencies", "Mã định danh, tên viết tắt, cơ quan cấp trên; phòng, ban."),
            AdminCard(
                "Tài khoản",
                "admin.users",
                "Tạo, sửa, vô hiệu hóa, kích hoạt lại tài khoản; vai trò; đặt lại mật khẩu.",
            ),
            AdminCard(
                "Ủy quyền", "org.delegations", "Ủy quyền của mọi người trong cơ quan; tạo ủy quyền thay người vắng."
            ),
        ),
    ),
    AdminSection(
        "Chữ ký số",
        (
            AdminCard(
                "Chứng thư số, ảnh chữ ký, con dấu",
                "signing.credentials_list",
                "Tệp khóa và ảnh chữ ký của người ký; chứng thư số và ảnh con dấu của cơ quan.",
            ),
            AdminCard(
                "Chứng thư gốc tin cậy",
                "trust_roots.index",
                "Root CA, CA trung gian mà chữ ký số phải dẫn tới để được coi là tin cậy.",
            ),
            AdminCard(
                "Tệp PDF có nội dung chủ động",
                "upload_policy.index",
                "Tệp nhận được có JavaScript, tệp đính kèm, lệnh mở chương trình: gỡ bỏ hay từ chối; giữ bản gốc.",
            ),
        ),
    ),
    AdminSection(
        "Liên thông văn bản",
        (
            AdminCard(
                "Danh bạ liên thông",
                "exchange.directory.index",
                "Cơ quan ngoài hệ thống theo mã định danh; nhập từ tệp CSV/XML; sáp nhập (QĐ 09/2025).",
                allowed="app.exchange.permissions:can_manage_exchange",
            ),
            AdminCard(
                "Hệ thống liên thông",
                "exchange.peers.index",
                "Các hệ thống quản lý văn bản khác gửi, nhận trực tiếp: địa chỉ, khóa bí mật, kiểm tra kết nối.",
                allowed="app.exchange.permissions:can_manage_exchange",
            ),
            AdminCard(
                "Hàng đợi gửi liên thông",
                "exchange.outbox.index",
                "Văn bản, trạng thái đang chờ gửi hoặc chưa gửi được và lý do; gửi lại ngay.",
                allowed="app.exchange.permissions:can_view_outbox",
            ),
        ),
    ),
    AdminSection(
        "Văn bản và quy trình",
        (
            AdminCard(
                "Sổ văn bản", "documents.registers", "Sổ đăng ký văn bản đến, đi; loại văn bản cấp số trong từng sổ."
            ),
            AdminCard(
                "Loại văn bản",
                "documents.document_types",
                "Tên, chữ viết tắt dùng trong ký hiệu văn bản (số/ký hiệu theo NĐ 30/2020).",
            ),
            AdminCard("Quy trình", "workflow_admin.processes", "Các quy trình xử lý đang áp dụng và phiên bản."),
            AdminCard(
                "Thiết lập nộp lưu", "dossiers_archive.settings_page", "Thời hạn và cách nộp hồ sơ vào lưu trữ cơ quan."
            ),
        ),
    ),
    AdminSection(
        "Thời hạn và nhắc việc",
        (
            AdminCard(
                "Lịch làm việc",
                "sla.calendar",
                "Giờ làm việc theo mùa (hè, đông), ngày nghỉ lễ và ngày làm bù từng năm.",
            ),
            AdminCard("Thời hạn xử lý", "sla.settings", "Thời hạn theo độ khẩn và theo từng bước xử lý."),
            AdminCard(
                "Nhắc việc, quá hạn", "escalation.policy", "Khi nào nhắc, báo lên ai khi việc sắp hoặc đã quá hạn."
            ),
        ),
    ),
    AdminSection(
        "Giám sát",
        (
            AdminCard(
                "Cảnh báo thay đổi quyền truy cập",
                "access_warnings.index",
                "Vai trò, ủy quyền, quyền dùng hồ sơ, văn bản đã đổi: cảnh báo đến khi người có thẩm quyền xác nhận.",
            ),
            AdminCard(
                "Nhật ký hệ thống",
                "admin.audit_log",
                "Mọi thay đổi: lọc theo người, hành động, đối tượng, cơ quan, thời gian; xuất CSV; kiểm tra toàn vẹn.",
            ),
            AdminCard(
                "Sao lưu dữ liệu",
                "backup.index",
                "Bản sao lưu hằng ngày: cơ sở dữ liệu và tệp văn bản; kiểm tra toàn vẹn; sao lưu ngay.",
                allowed="app.backup.permissions:can_manage_backups",
            ),
            AdminCard(
                "Thống kê gửi, nhận văn bản điện tử",
                "reports.exchange",
                "Văn bản điện tử gửi, nhận theo tháng, quý, năm; xuất Excel, PDF.",
            ),
        ),
    ),
)


def _may_open(card: AdminCard, user) -> bool:
    return card.allowed is None or user is None or bool(resolve(card.allowed)(user))


def sections(registered: set[str] | frozenset[str], user=None) -> list[AdminSection]:
    """The sections with only the cards whose endpoint the application has (a module may be left out) and, given
    `user`, that this person may open."""
    found = []
    for section in SECTIONS:
        cards = tuple(c for c in section.cards if c.endpoint in registered and _may_open(c, user))
        if cards:
            found.append(AdminSection(section.title, cards))
    return found

"""Agencies, units, people, roles, delegation and authentication.

Glossary: agency = cơ quan (identified by its mã định danh), unit = phòng/ban/đơn vị, position = chức vụ,
role = vai trò, delegation = ủy quyền, clerk = văn thư, leader = lãnh đạo, specialist = chuyên viên,
archivist = lưu trữ, process designer = người thiết kế quy trình, administrator = quản trị hệ thống.
"""

from app.core.modules import Module, NavItem

MODULE = Module(
    "org",
    models=("app.org.models",),
    blueprints=("app.org.views:bp", "app.org.admin_views:bp"),
    api=("app.org.api:tokens_blp", "app.org.api:blp", "app.org.audit_api:blp"),
    navigation=(
        NavItem("Quản trị", "admin.hub", frozenset({"quan_tri"}), order=58),
        NavItem("Cơ quan", "admin.agencies", frozenset({"quan_tri"}), order=60),
        NavItem("Tài khoản", "admin.users", frozenset({"quan_tri"}), order=70),
        NavItem("Ủy quyền", "org.delegations", order=120),
        NavItem("Nhật ký hệ thống", "admin.audit_log", frozenset({"quan_tri"}), order=130),
    ),
)

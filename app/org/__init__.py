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
        # One entry for every administration screen (app.org.admin_hub): one item each overflowed the menu bar.
        NavItem("Quản trị", "admin.hub", frozenset({"quan_tri"}), order=58),
        NavItem("Ủy quyền", "org.delegations", order=120),
    ),
)

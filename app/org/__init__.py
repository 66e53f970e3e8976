"""Agencies, units, people, roles, delegation and authentication.

Glossary: agency = cơ quan (identified by its mã định danh), unit = phòng/ban/đơn vị, position = chức vụ,
role = vai trò, delegation = ủy quyền, clerk = văn thư, leader = lãnh đạo, specialist = chuyên viên,
archivist = lưu trữ, process designer = người thiết kế quy trình, administrator = quản trị hệ thống.
"""

from app.core.modules import Module, NavItem

MODULE = Module(
    "org",
    models=("app.org.models",),
    blueprints=("app.org.views:bp", "app.org.admin_views:bp", "app.org.access_warning_views:bp"),
    api=(
        "app.org.api:tokens_blp",
        "app.org.api:blp",
        "app.org.audit_api:blp",
        "app.org.access_warnings_api:blp",
    ),
    # NĐ 30/2020 Phụ lục VI III.3.c: access changes stay on the home page of who answers for them until confirmed.
    home_panels=("app.org.access_warning_views:PANELS",),
    navigation=(
        # One entry for every administration screen (app.org.admin_hub): one item each overflowed the menu bar.
        NavItem("Quản trị", "admin.hub", frozenset({"quan_tri"}), order=58),
        NavItem("Ủy quyền", "org.delegations", order=120),
    ),
)

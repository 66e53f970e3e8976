"""The HTML shell: base layout, navigation, flash messages, error pages, dashboard."""

from app.core.modules import Module, NavItem

MODULE = Module(
    "web",
    setup=("app.web.views:init_web",),
    blueprints=("app.web.views:bp",),
    api=("app.web.api:blp",),
    home_panels=("app.web.home:PANELS",),
    navigation=(NavItem("Trang chủ", "web.dashboard", order=10),),
)

"""The process designer's workplace: the BPMN modeler with qlvb's properties, deploy, versions and their diff,
rollback, agency forms, the bottleneck heatmap, the SLA what-if and the migration of running cases.

Glossary: designer = người thiết kế quy trình (role thiet_ke), deploy = triển khai, version = phiên bản,
rollback = triển khai lại phiên bản cũ, heatmap = bản đồ điểm nghẽn, what-if = thử thời hạn, migrate = chuyển phiên bản.

It sits above app.workflow (whose versions, forms and human-task history it reads and deploys through) and
app.sla (the working calendar for the deadline preview); nothing below imports it.
"""

from app.core.modules import Module, NavItem

MODULE = Module(
    "designer",
    blueprints=(
        "app.designer.views:bp",
        "app.designer.forms_views:bp",
        "app.designer.versions_views:bp",
        "app.designer.heatmap_views:bp",
        "app.designer.modeler_views:bp",
        "app.designer.migration_views:bp",
    ),
    api=(
        "app.designer.api:blp",
        "app.designer.forms_api:blp",
        "app.designer.versions_api:blp",
        "app.designer.heatmap_api:blp",
        "app.designer.modeler_api:blp",
        "app.designer.migration_api:blp",
    ),
    navigation=(NavItem("Thiết kế quy trình", "designer.index", frozenset({"thiet_ke"}), order=49),),
)

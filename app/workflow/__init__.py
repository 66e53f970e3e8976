"""The BPMN engine adapter: process versions, persistent instances, human tasks, forms, service operations.

Glossary: process = quy trình, process version = phiên bản quy trình, instance = hồ sơ xử lý / phiên quy trình,
human task = công việc (việc cần làm), inbox = hộp việc "Việc cần làm", claim = nhận việc, lane = làn (vai trò),
deadline = hạn xử lý, overdue = quá hạn, service task = bước tự động.

Only this package imports SpiffWorkflow. Domain modules reach it through `services` (start, complete, claim …)
and give it work through an `EngineExtension` of their own, declared in their MODULE (`registry`).
"""

from app.core.modules import Module, NavItem

MODULE = Module(
    "workflow",
    checks=("app.workflow.checks:CHECKS",),
    blobs=("app.workflow.models:CaseFile.sha256",),
    models=("app.workflow.models",),
    receivers=("app.workflow.handlers:RECEIVERS",),
    blueprints=(
        "app.workflow.views:bp",
        "app.workflow.admin_views:bp",
        "app.workflow.diagram_views:bp",
        "app.workflow.handover_views:bp",
    ),
    api=("app.workflow.api:blp", "app.workflow.diagram_api:blp", "app.workflow.handover_api:blp"),
    cli=("app.workflow.cli:commands",),
    jobs="app.workflow.jobs",
    engine=("app.workflow.builtin_operations:engine",),
    # The process pages (versions, upload, cases in error) are reached from the administration hub and the designer.
    navigation=(NavItem("Việc cần làm", "workflow.inbox", order=20),),
    nav_badges={"workflow.inbox": "app.workflow.queries:inbox_badge"},
    home_panels=("app.workflow.home:PANELS",),
)

"""Văn bản đến: receipt, signature check, return to sender, registration (số đến), direction, handling.

Glossary: incoming document = văn bản đến, arrival = ngày đến, incoming number = số đến, register = sổ đăng ký,
sender = cơ quan ban hành (tác giả), subject = trích yếu, direction = ý kiến chỉ đạo, lead = chủ trì,
coordinate = phối hợp, for information = để biết, return to sender = trả lại, recall = thu hồi.
Procedure: NĐ 30/2020 Điều 20–24; the default BPMN is processes/incoming.bpmn.
"""

from app.core.modules import Module, NavItem

MODULE = Module(
    "incoming",
    checks=("app.incoming.checks:CHECKS",),
    blobs=("app.incoming.models:IncomingFile.sha256", "app.incoming.models:IncomingFile.original_sha256"),
    models=("app.incoming.models", "app.incoming.models_handling", "app.incoming.recall_models"),
    receivers=("app.incoming.handlers:RECEIVERS",),
    blueprints=("app.incoming.views:bp",),
    api=("app.incoming.api:blp",),
    engine=("app.incoming.operations:engine",),
    jobs="app.incoming.jobs",
    object_summaries={"incoming": "app.incoming.views:task_summary"},
    search_sources=("app.incoming.search:SOURCE",),
    home_panels=("app.incoming.home:PANELS",),
    navigation=(NavItem("Văn bản đến", "incoming.documents", order=30),),
)

"""Văn bản đi: drafts and versions, reviews, personal signature, number and seal, dispatch, tracking, recall.

Glossary: dự thảo = draft; trình ký = submit for signature; ký duyệt = approve and sign; cấp số = numbering;
đóng dấu / ký số của cơ quan = organization signature (seal); phát hành = issue; nơi nhận = recipient;
thu hồi = recall; thay thế = replace; đính chính = correct; sổ đăng ký văn bản đi = outgoing register.
The default procedure is processes/outgoing.bpmn (NĐ 30/2020 Điều 10–19; legal.md §1.5).
"""

from app.core.modules import Module, NavItem

MODULE = Module(
    "outgoing",
    checks=("app.outgoing.checks:CHECKS",),
    blobs=(
        "app.outgoing.models:OutgoingVersion.sha256",
        "app.outgoing.models:OutgoingVersion.source_sha256",
        "app.outgoing.models:OutgoingAttachment.sha256",
        "app.outgoing.models:OutgoingAttachment.signed_sha256",
    ),
    models=("app.outgoing.models",),
    receivers=("app.outgoing.handlers:RECEIVERS",),
    blueprints=("app.outgoing.views:bp",),
    api=("app.outgoing.api:blp",),
    jobs="app.outgoing.jobs",
    engine=("app.outgoing.operations:engine",),
    object_summaries={"outgoing": "app.outgoing.summary:task_summary"},
    search_sources=("app.outgoing.search:SOURCE",),
    home_panels=("app.outgoing.home:PANELS",),
    navigation=(NavItem("Văn bản đi", "outgoing.documents", order=40),),
)

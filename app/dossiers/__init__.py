"""Hồ sơ công việc and the agency archive (NĐ 30/2020 Điều 28–31, Phụ lục V, Phụ lục VI III.4–5; seed 000 Điều
19–20, 25; seed 001 QĐ 278 Điều 8; seed 002 Điều 16; seed 003 Điều 14.3–14.6).

Glossary: file plan = Danh mục hồ sơ; dossier = hồ sơ; item = văn bản, tài liệu trong hồ sơ; closing = kết thúc
hồ sơ; transfer = nộp lưu vào Lưu trữ cơ quan; archivist = Lưu trữ cơ quan (role luu_tru); hold = phong tỏa;
destruction = hủy tài liệu hết giá trị; SIP = gói nộp (TT 05/2025); grant = cho phép sử dụng hồ sơ; ad hoc
dossier = hồ sơ phát sinh (ngoài Danh mục).

The lifecycle is `states.MOVES`; who may do what is `permissions`; the code lists are `codes`. The file plan is
`plan` (headings and entries `plan_items`, import `plan_import`, print `plan_print`). Opening is `services`,
filing `filing` (and `items` for what a person files), grants `grants`; closing `closing`, the exports `exports`
(PDF, XML) and `sip` (the archival package).
"""

from app.core.modules import Module, NavItem

MODULE = Module(
    "dossiers",
    models=("app.dossiers.models",),
    setup=("app.dossiers.views:install",),
    blueprints=(
        "app.dossiers.views:bp",
        "app.dossiers.plan_views:bp",
        "app.dossiers.archive_views:bp",
        "app.dossiers.closing_views:bp",
    ),
    api=(
        "app.dossiers.api:blp",
        "app.dossiers.plan_api:blp",
        "app.dossiers.archive_api:blp",
        "app.dossiers.closing_api:blp",
    ),
    cli=("app.dossiers.archive_cli:dossiers_cli",),
    jobs="app.dossiers.jobs",
    navigation=(
        NavItem("Hồ sơ công việc", "dossiers.index", order=38),
        NavItem("Danh mục hồ sơ", "file_plan.plan", order=42),
        NavItem("Lưu trữ", "dossiers_archive.queue", frozenset({"luu_tru", "lanh_dao"}), order=45),
    ),
    nav_badges={"dossiers_archive.queue": "app.dossiers.transfer:waiting_badge"},
    # The files uploaded into dossiers (and processing histories): the orphan sweep and BlobStore.destroy keep what
    # they name.
    blobs=("app.dossiers.models:DossierItem.sha256",),
    # The dossier's case (processes/dossier.bpmn) follows the dossier; finished procedures are filed (autofile).
    receivers=("app.dossiers.case:RECEIVERS", "app.dossiers.autofile:RECEIVERS"),
    engine=("app.dossiers.case:engine", "app.dossiers.autofile:engine"),
    object_summaries={"dossier": "app.dossiers.case:task_summary"},
    home_panels=("app.dossiers.unfiled:PANELS",),
)

"""Liên thông: exchange of documents and status messages between agencies (design.md §7, legal.md §4).

Glossary: status message = thông điệp trạng thái xử lý (01 Đã đến, 02 Từ chối tiếp nhận, 03 Đã tiếp nhận,
04 Phân công, 05 Đang xử lý, 06 Hoàn thành, 13 Lấy lại, 15 Đồng ý lấy lại, 16 Từ chối lấy lại), outbox = hộp thư
đi của trục liên thông. This issue stores the messages in an outbox addressed by the sender's mã định danh; the
outgoing and exchange issues deliver them (internally, or to external systems with retries).
"""

from app.core.modules import Module, NavItem

MODULE = Module(
    "exchange",
    models=("app.exchange.models",),
    receivers=("app.exchange.handlers:RECEIVERS",),
    blueprints=("app.exchange.connector_views:bp", "app.exchange.views:bp"),
    api=("app.exchange.directory_api:blp", "app.exchange.peers_api:blp", "app.exchange.outbox_api:blp"),
    cli=("app.exchange.cli:exchange",),
    jobs="app.exchange.jobs",
    blobs=("app.exchange.models:OutboxMessage.body_sha256",),
    # The clerks follow what their agency sends to other systems (administrators reach it from the admin hub).
    navigation=(NavItem("Gửi liên thông", "exchange.outbox.index", frozenset({"van_thu"}), order=112),),
)

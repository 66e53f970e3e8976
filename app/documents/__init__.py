"""Document core (lõi văn bản): the types catalogue, registers (sổ) and numbering, symbols, search folding.

Glossary: document type = loại văn bản (Phụ lục III NĐ 30/2020); abbreviation = chữ viết tắt tên loại;
register = sổ đăng ký văn bản (sổ văn bản đến / sổ văn bản đi); number = số (số đến, số văn bản đi);
notation = ký hiệu (`QĐ-UBND`); symbol = số, ký hiệu (`Số: 05/QĐ-UBND`); document key = mã định danh văn
bản; summary = trích yếu; urgency = mức độ khẩn; secrecy = độ mật; folded text = chữ bỏ dấu.

What other modules use (incoming, outgoing, exchange):
- `app.documents.numbering`: `take_number`, `peek_next_number`, `assign_number` (audited, unique guard),
  `format_number`.
- `app.documents.services`: `default_register`, `register_for_type`, register and type administration.
- `app.documents.models`: `DocumentType`, `Register`, `RegisterKind`, `RegisterCounter`, `NumberAssignment`,
  `Urgency`, `Secrecy`, `refuse_secret`.
- `app.documents.symbols`: `format_symbol`, `format_code`, `document_key`, `notation_problem` (the shape of a
  ký hiệu for its type, Phụ lục I Phần I II.3.b).
- `app.documents.uploads`: `upload_problem` — the one check of every uploaded file (size, format by content,
  PDF bounds, malware); `app.documents.upload_policy.screen_received_pdf` — a received PDF's active content
  refused or disarmed by the agency's policy (app.documents.pdfcheck reads it); `app.documents.malware`.
- `app.documents.pages`: `count_pages` (PageAmount read from a PDF, Phụ lục VI III.1.g).
- `app.documents.fulltext.sources`: `SearchSource`, `EntryFields` — what a module declares in
  `Module(search_sources=...)` so that the full-text search (Tìm kiếm) finds its documents.
"""

from app.core.modules import Module, NavItem

MODULE = Module(
    "documents",
    checks=("app.documents.checks:CHECKS",),
    models=(
        "app.documents.models",
        "app.documents.fulltext.models",
        "app.documents.fulltext.indexing",
        "app.documents.upload_policy",
        "app.documents.malware",
    ),
    blueprints=("app.documents.views:bp", "app.documents.fulltext.views:bp", "app.documents.policy_views:bp"),
    api=("app.documents.api:blp", "app.documents.fulltext.api:blp", "app.documents.policy_api:blp"),
    cli=("app.documents.fulltext.cli:search_command",),
    jobs="app.documents.fulltext.jobs",
    navigation=(NavItem("Sổ văn bản", "documents.registers", frozenset({"quan_tri", "van_thu"}), order=100),),
)

"""edXML messages for the exchange tests: a package of each kind, a status message."""

from app.exchange.edxml import build_package, build_status

EXCHANGE_PASS = "mat-khau-lien-thong"  # the exchange credential's PKCS#12 passphrase in tests
SENDER = "000.00.00.H41"
SUBJECT = "Ve viec SUBJECT-MARK trien khai he thong lien thong van ban"
DOCUMENT_ID = f"{SENDER},2026/11/20,123/UBND-VP"
EARLIER_ID = f"{SENDER},2026/11/02,98/UBND-VP"
PDF = b"%PDF-1.7\n% ATTACHMENT-MARK test\n%%EOF\n"

METADATA = {
    "sender_code": SENDER,
    "sender_name": "Ủy ban nhân dân tỉnh Nghệ An",
    "organ_id_to": "000.00.00.G22",
    "organ_name_to": "Văn phòng Chính phủ",
    "code_number": "123",
    "code_notation": "UBND-VP",
    "issued_date": "2026-11-20",
    "place": "Nghệ An",
    "type_name": "Công văn",
    "subject": SUBJECT,
    "description": "Triển khai trong tháng 12",
    "signer_position": "Chủ tịch",
    "signer_name": "Nguyễn Văn An",
    "page_count": 2,
    "urgency": "khan",
    "due_date": "2026-12-05",
    "recipients": "Văn phòng Chính phủ; Bộ Nội vụ",
}

KINDS = {
    "new": {},
    "revoke": {"business_type": 1, "business_document_id": EARLIER_ID, "business_reason": "Thu hồi do sai sót"},
    "update": {"business_type": 2, "business_document_id": EARLIER_ID},
    "replace": {"business_type": 3, "business_document_id": EARLIER_ID, "replaced_organ_ids": ["000.00.00.G22"]},
}


def package(kind: str = "new", **changes) -> bytes:
    metadata = {**METADATA, **KINDS[kind], **changes}
    attachments = [] if kind == "revoke" else [("cong-van-123.pdf", PDF, "application/pdf"), ("phu-luc.txt", b"x")]
    return build_package(metadata, attachments)


def status(code: str = "05", **changes) -> bytes:
    values = {
        "from_code": "000.00.00.G22",
        "from_name": "Văn phòng Chính phủ",
        "response_for_code": SENDER,
        "response_for_key": DOCUMENT_ID,
        "response_for_date": "2026-11-20",
        "response_for_symbol": "123/UBND-VP",
        "code": code,
        "description": "Đang xử lý",
        "staff_name": "Trần Thị Bình",
        "staff_unit": "Phòng Hành chính",
        **changes,
    }
    return build_status(**values)

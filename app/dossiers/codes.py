"""The code lists of the hồ sơ metadata (TT 05/2025/TT-BNV, EAD.xml; legal.md §3.2 — third-party, to be checked
against the official text): one table each, used by forms, exports and validation."""

# maintenance: Thời hạn lưu trữ/bảo quản → (label, years; None = Vĩnh viễn, "07" Khác carries its own years)
MAINTENANCE: dict[str, tuple[str, int | None]] = {
    "01": ("Vĩnh viễn", None),
    "02": ("70 năm", 70),
    "03": ("50 năm", 50),
    "04": ("30 năm", 30),
    "05": ("20 năm", 20),
    "06": ("10 năm", 10),
    "07": ("Khác", None),
}

# mode: Chế độ sử dụng / mức độ tiếp cận
RIGHTS: dict[str, str] = {"01": "Công khai", "02": "Sử dụng có điều kiện", "03": "Mật"}

LANGUAGES: dict[str, str] = {
    "01": "Tiếng Việt",
    "02": "Tiếng Anh",
    "03": "Tiếng Pháp",
    "04": "Tiếng Nga",
    "05": "Tiếng Trung",
    "06": "Việt - Anh",
    "07": "Việt - Nga",
    "08": "Việt - Pháp",
    "09": "Hán Nôm",
    "10": "Việt - Trung",
    "11": "Khác",
}

# confidenceLevel: Mức độ tin cậy — what this system forms is born digital.
CONFIDENCE = {"01": "Gốc điện tử", "02": "Số hóa", "03": "Hỗn hợp"}


def retention_label(maintenance: str, retention_years: int | None) -> str:
    """ "Vĩnh viễn" or "N năm" (Phụ lục V.II column 3)."""
    if maintenance == "01" or (retention_years is None and maintenance != "07"):
        return "Vĩnh viễn"
    return f"{retention_years} năm" if retention_years else MAINTENANCE.get(maintenance, ("", None))[0]


def years_of(maintenance: str, retention_years: int | None = None) -> int | None:
    """The retention in years a code stands for (None: permanent); "07" Khác takes the years given."""
    if maintenance == "07":
        return retention_years
    return MAINTENANCE[maintenance][1]


# typeName of EAD_doc: Tên loại tài liệu (legal.md §3.2, third-party, to verify); unknown names are "32" Khác.
DOC_TYPES: dict[str, str] = {
    "01": "Nghị quyết",
    "02": "Quyết định",
    "03": "Chỉ thị",
    "04": "Quy chế",
    "05": "Quy định",
    "06": "Thông cáo",
    "07": "Thông báo",
    "08": "Hướng dẫn",
    "09": "Chương trình",
    "10": "Kế hoạch",
    "11": "Phương án",
    "12": "Đề án",
    "13": "Dự án",
    "14": "Báo cáo",
    "15": "Tờ trình",
    "16": "Giấy ủy quyền",
    "17": "Phiếu gửi",
    "18": "Phiếu chuyển",
    "19": "Phiếu báo",
    "20": "Biên bản",
    "21": "Hợp đồng",
    "22": "Công văn",
    "23": "Công điện",
    "24": "Bản ghi nhớ",
    "25": "Bản thỏa thuận",
    "26": "Giấy mời",
    "27": "Giấy giới thiệu",
    "28": "Giấy nghỉ phép",
    "29": "Thư công",
    "30": "Bản đồ",
    "31": "Bản vẽ kỹ thuật",
    "32": "Khác",
}
_DOC_TYPE_BY_NAME = {name.casefold(): code for code, name in DOC_TYPES.items()}


def doc_type_code(type_name: str | None) -> str:
    return _DOC_TYPE_BY_NAME.get((type_name or "").strip().casefold(), "32")


def language_code(language: str | None) -> str:
    """A document's language as written ("Tiếng Việt") → its code; codes pass through; unknown: "11" Khác."""
    text = (language or "").strip()
    if text in LANGUAGES:
        return text
    by_name = {name.casefold(): code for code, name in LANGUAGES.items()}
    return by_name.get(text.casefold(), "01" if not text else "11")

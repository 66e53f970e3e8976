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

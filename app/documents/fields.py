"""Field values of every document kind's metadata, as people and API clients send them."""

import unicodedata
from datetime import date


def nfc(value) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def parse_date(value, field: str, problems: dict) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        problems[field] = "Ngày không hợp lệ (định dạng YYYY-MM-DD)."
        return None

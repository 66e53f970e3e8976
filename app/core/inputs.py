"""Bounds on what a request may carry, checked once for every page and endpoint.

The database stores ids and numbers as 32-bit integers (PostgreSQL `integer`; SQLite takes 64 bits and Python
any size): a larger number in a URL, a query or a body must be refused as input, never reach a query and come
back as a server error. Text may not carry NUL characters (PostgreSQL refuses them in text columns).
"""

from werkzeug.routing import IntegerConverter

from app.core.clock import local_today

MAX_INT = 2**31 - 1


def bounded_int(value: str) -> int:
    """`type=` for `request.args.get`: an int within the database's range, else ValueError (→ the default)."""
    number = int(value)
    if not -MAX_INT <= number <= MAX_INT:
        raise ValueError(f"{value!r} is out of range")
    return number


# The years a register, a report or a search may name: wide enough for any archive an agency keeps, narrow enough
# that the year after and the local midnight of 1 January (UTC+7) are still dates Python can hold.
YEAR_MIN, YEAR_MAX = 1900, 2999


def year(value: str) -> int:
    """`type=` for a year in `request.args.get`: YEAR_MIN…YEAR_MAX, else ValueError (→ the default)."""
    number = int(value)
    if not YEAR_MIN <= number <= YEAR_MAX:
        raise ValueError(f"{value!r} is not a year")
    return number


def year_problem(text: str) -> str | None:
    """Why `text` typed into a "Năm" field is not a year (a message for beside the field), or None.

    For a free-text field that must refuse rather than fall back to "every year" as `year` does for a `type=`.
    """
    text = text.strip()
    if not text.isdigit():
        return f"Năm phải là số, ví dụ {local_today().year}."
    if not YEAR_MIN <= int(text) <= YEAR_MAX:
        return f"Năm phải từ {YEAR_MIN} đến {YEAR_MAX}."
    return None


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in every route: an id beyond the database's range matches no route, so it is a 404."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def has_nul(text: str | bytes | None) -> bool:
    if not text:
        return False
    if isinstance(text, bytes):
        return b"\x00" in text or b"\\u0000" in text
    return "\x00" in text or "\\u0000" in text

"""Printed forms of văn bản đến (NĐ 30/2020 Phụ lục IV): the books and the phiếu giải quyết.

Sổ đăng ký văn bản đến (mục VI) and Sổ theo dõi giải quyết văn bản đến (mục VIII) are in `books`; Phiếu giải
quyết văn bản đến (mục VII) in `slip`; `services` holds the use cases the pages and the API call.
"""

import importlib

from app.documents.fonts import FontUnavailable, _fonts
from app.incoming.printing.services import Printed, print_follow_up, print_handling_slip, print_register

# The forms themselves import reportlab: loaded on first use, not at start (tests/test_lazy_imports.py).
_LAZY = {
    "RegisterPrint": "app.incoming.printing.books",
    "follow_up_pdf": "app.incoming.printing.books",
    "incoming_register_pdf": "app.incoming.printing.books",
    "handling_slip_pdf": "app.incoming.printing.slip",
}

__all__ = [
    "FontUnavailable",
    "Printed",
    "RegisterPrint",
    "_fonts",
    "follow_up_pdf",
    "handling_slip_pdf",
    "incoming_register_pdf",
    "print_follow_up",
    "print_handling_slip",
    "print_register",
]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

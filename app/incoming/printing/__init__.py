"""Printed forms of văn bản đến (NĐ 30/2020 Phụ lục IV): the books and the phiếu giải quyết.

Sổ đăng ký văn bản đến (mục VI) and Sổ theo dõi giải quyết văn bản đến (mục VIII) are in `books`; Phiếu giải
quyết văn bản đến (mục VII) in `slip`; `services` holds the use cases the pages and the API call.
"""

from app.documents.fonts import FontUnavailable, _fonts
from app.incoming.printing.books import RegisterPrint, follow_up_pdf, incoming_register_pdf
from app.incoming.printing.services import Printed, print_follow_up, print_handling_slip, print_register
from app.incoming.printing.slip import handling_slip_pdf

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

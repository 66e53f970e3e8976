"""Print the books and the phiếu giải quyết: who may print, what goes in, the audit event.

One function per printout, taking the acting user first, so the pages and the REST API print the same thing.
"""

from datetime import date

from app.audit import services as audit
from app.core.errors import Conflict
from app.documents.models import RegisterKind
from app.documents.printing import BOOK_ROLES, Printed, register_to_print  # noqa: F401  (re-exported)
from app.incoming import queries
from app.incoming import services as incoming
from app.incoming.models import IncomingStatus
from app.org.models import User


def _book(actor: User, year: int | None, date_from: date | None, date_to: date | None, register_id: int | None):
    """The register to print from and its rows."""
    register, meta = register_to_print(
        actor,
        RegisterKind.INCOMING,
        register_id=register_id,
        year=year,
        date_from=date_from,
        date_to=date_to,
        refusal="Chỉ văn thư, lãnh đạo cơ quan và quản trị hệ thống được in sổ văn bản đến.",
    )
    return register, meta, queries.register_entries(register.id, meta.year, date_from, date_to)


def print_register(
    actor: User,
    *,
    year: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    register_id: int | None = None,
) -> Printed:
    """Sổ đăng ký văn bản đến for a year (and an optional date range), ready to print and bind.

    NĐ 30/2020 Điều 22.3.b: documents registered in the System are printed on the register's form and bound.
    """
    from app.incoming.printing.books import incoming_register_pdf

    register, meta, entries = _book(actor, year, date_from, date_to, register_id)
    pdf = incoming_register_pdf(meta, entries)
    audit.record(
        actor,
        "incoming.print_register",
        register,
        agency_id=actor.agency_id,
        summary=f"In sổ đăng ký văn bản đến năm {meta.year} ({len(entries)} văn bản)",
    )
    return Printed(pdf, f"so-dang-ky-van-ban-den-{meta.year}.pdf")


def print_follow_up(
    actor: User,
    *,
    year: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    register_id: int | None = None,
) -> Printed:
    """Sổ theo dõi giải quyết văn bản đến (Phụ lục IV mục VIII) of the same documents as the register."""
    from app.incoming.printing.books import follow_up_pdf

    register, meta, entries = _book(actor, year, date_from, date_to, register_id)
    meta.register_name = ""  # the follow-up book's cover has no register name (Phụ lục IV)
    pdf = follow_up_pdf(meta, entries)
    audit.record(
        actor,
        "incoming.print_follow_up",
        register,
        agency_id=actor.agency_id,
        summary=f"In sổ theo dõi giải quyết văn bản đến năm {meta.year} ({len(entries)} văn bản)",
    )
    return Printed(pdf, f"so-theo-doi-giai-quyet-van-ban-den-{meta.year}.pdf")


def print_handling_slip(actor: User, document_id: int) -> Printed:
    """Phiếu giải quyết văn bản đến of one document of the actor's agency (viewing it is audited)."""
    from app.incoming.printing.slip import handling_slip_pdf, steps_of

    document = incoming.view_document(actor, document_id)
    if document.status == IncomingStatus.RECALLED:  # NĐ 30 Phụ lục VI III.8.b: nothing left to print
        raise Conflict("Văn bản đã bị thu hồi và hủy: không còn phiếu giải quyết.", code="incoming_recalled")
    pdf = handling_slip_pdf(actor.agency.name, document, steps_of(document, incoming.OBJECT_TYPE))
    return Printed(pdf, f"phieu-giai-quyet-van-ban-den-{document.arrival_label or document.id}.pdf")

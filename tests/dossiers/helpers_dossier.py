"""Helpers of the opening, filing and grant tests: an issued file plan made directly (the file plan's own services
are another part of the issue), and an upload's bytes."""

from app.core.db import db
from app.dossiers.models import FilePlan, FilePlanEntry, FilePlanHeading
from app.dossiers.states import PlanStatus
from tests.dossiers.helpers_closing import pdf_bytes

# Each starts with its format's magic bytes: the upload checks tell the type by content.
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
MP3 = b"ID3\x04\x00" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64
PDF = pdf_bytes("Báo cáo")  # a real PDF: uploads are read, not only sniffed (app.documents.uploads)


def issued_plan(office, *, year=2026, status=PlanStatus.APPROVED, entries=()):
    """The agency's plan of `year` with one heading "I. Tổng hợp (TH)" and `entries`: (notation, title, maintenance,
    years, responsible user or None, responsible unit or None)."""
    plan = FilePlan(agency_id=office.agency.id, year=year, status=status)
    db.session.add(plan)
    db.session.flush()
    heading = FilePlanHeading(plan_id=plan.id, position=1, abbreviation="TH", title="Tổng hợp")
    db.session.add(heading)
    db.session.flush()
    for position, (notation, title, maintenance, years, person, unit) in enumerate(entries, start=1):
        db.session.add(
            FilePlanEntry(
                plan_id=plan.id,
                heading_id=heading.id,
                position=position,
                number=position,
                notation=notation,
                title=title,
                maintenance=maintenance,
                retention_years=years,
                responsible_id=person.id if person else None,
                responsible_unit_id=unit.id if unit else None,
            )
        )
    db.session.flush()
    db.session.refresh(plan)
    return plan

"""The place on the date line (NĐ 30/2020 Phụ lục I, Phần I, II.4.a: "Địa danh, ngày … tháng … năm …"): known before
the signature, never dropped when the clerk fills the issue date; and how the document page shows the issue."""

import re

import pytest

from app.core.db import db
from app.core.errors import ValidationError
from app.documents.models import RegisterKind
from app.documents.services import default_register
from app.outgoing import issuing, services
from app.outgoing.models import OutgoingStatus, VersionStage
from app.signing import placement
from tests.conftest import login
from tests.outgoing.conftest import issue, issued_document, new_draft, signed_draft


def test_a_draft_without_place_takes_the_one_the_agency_uses(outgoing_office, draft_bytes, frozen_clock):
    new_draft(outgoing_office, draft_bytes)  # "Rạch Giá", as the agency's drafts say
    document = new_draft(outgoing_office, draft_bytes, place="")
    assert document.place == "Rạch Giá"


# NĐ 30/2020 Phụ lục I, Phần I, II.4.a: the date line names its place.
def test_a_draft_without_any_place_is_refused_at_submit(outgoing_office, draft_bytes, frozen_clock):
    document = new_draft(outgoing_office, draft_bytes, place="")  # the agency's first draft: nothing to take from
    assert document.place is None
    with pytest.raises(ValidationError) as err:
        services.submit(outgoing_office.spec_a1, document.id)
    assert "Địa danh" in err.value.details["place"]
    assert document.status == OutgoingStatus.DRAFT


# NĐ 30 Phụ lục VI III.1.đ: the number and date filled at issue; NĐ 30/2020 Phụ lục I, Phần I, II.4.a.
def test_the_issue_date_line_keeps_the_place(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    new_draft(office, draft_bytes)  # another draft of the agency names its place
    document = signed_draft(office, draft_bytes)
    document.place = None  # a draft saved before the place was asked at Trình
    db.session.flush()
    issue(office, document)
    assert document.status == OutgoingStatus.ISSUED and document.place == "Rạch Giá"
    issued = [v for v in document.versions if v.stage == VersionStage.ISSUED][-1]
    _version, original = services.version_file(office.clerk, document.id, issued.id)
    text = placement.page_text(original, 0)
    assert "Rạch Giá, ngày 23 tháng 11 năm 2026" in text and "Ngày 23 tháng" not in text


def test_no_issue_without_a_place(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    document = signed_draft(office, draft_bytes)
    document.place = None
    db.session.flush()
    db.session.execute(  # no other document of the agency names one either
        db.text("UPDATE outgoing_document SET place = NULL WHERE agency_id = :a"), {"a": office.agency.id}
    )
    register_id = default_register(office.agency.id, RegisterKind.OUTGOING).id
    with pytest.raises(ValidationError) as err:
        issuing.issue_outgoing(office.clerk, document, register_id=register_id, notation="UBND-TH", issued_date=None)
    assert "place" in err.value.details
    assert document.number is None and document.status == OutgoingStatus.SIGNED


def test_the_page_shows_the_issue_and_signatures_in_one_date_form(client, outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    document = issued_document(office, draft_bytes)
    document.copies = None
    db.session.commit()
    login(client, office.clerk.username)
    html = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert "Rạch Giá, ngày 23/11/2026" in html and "ngày ngày" not in html
    assert re.search(r"ký lúc \d\d/\d\d/\d{4} \d\d:\d\d", html)  # not ISO "2026-11-23 10:00"
    assert not re.search(r"ký lúc \d{4}-", html)
    assert re.search(r"\d+ trang</dd>", html) and "— bản" not in html

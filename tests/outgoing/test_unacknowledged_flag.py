"""Seed 004 Điều 16.8: a delivery not acknowledged 3 working days after dispatch is flagged to the sender — once,
on the sending agency's calendar, telling its clerks and the drafter."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app.core.clock import LOCAL_TZ
from app.core.db import db
from app.notifications.models import Notification
from app.outgoing import queries, tracking
from app.outgoing.jobs import flag_unacknowledged
from app.outgoing.models import OutgoingDocument, OutgoingRecipient
from app.sla import calendar
from tests.conftest import login


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LOCAL_TZ)


@pytest.fixture
def sent(frozen_clock, create_agency, create_user):
    agency = create_agency()
    clerk = create_user(roles=("van_thu",), agency=agency)
    drafter = create_user(roles=("chuyen_vien",), agency=agency)
    create_user(roles=("van_thu",), agency=create_agency())  # another agency's clerk: never told

    def document(status="issued", symbol="12/UBND-VP"):
        row = OutgoingDocument(
            agency_id=agency.id,
            status=status,
            type_code="CV",
            type_name="Công văn",
            subject="Về việc thử tiếp nhận",
            symbol=symbol,
            drafter_id=drafter.id,
        )
        db.session.add(row)
        db.session.flush()
        return row

    def recipient(doc, name, dispatched, kind="external", delivery="delivered", **values):
        row = OutgoingRecipient(
            document_id=doc.id,
            kind=kind,
            name=name,
            code=values.pop("code", "000.00.00.G22"),
            delivery=delivery,
            dispatched_at=dispatched,
            **values,
        )
        db.session.add(row)
        db.session.flush()
        return row

    return type(
        "Sent",
        (),
        {
            "agency": agency,
            "clerk": clerk,
            "drafter": drafter,
            "document": staticmethod(document),
            "recipient": staticmethod(recipient),
        },
    )


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # Calendars are cached per process and agency id; the rolled-back rows of other tests reuse the ids.
    calendar.invalidate(everything=True)
    yield
    calendar.invalidate(everything=True)


def notices() -> list[tuple[int, str]]:
    return list(db.session.execute(sa.select(Notification.user_id, Notification.title).order_by(Notification.id)))


def test_three_working_days_are_counted_across_the_weekend(sent):
    doc = sent.document()
    # Sent on Friday 20/11: the sending agency's calendar counts P3D (app.sla, the rule the statistics use too) over
    # working days only — not the weekend, nor Tuesday 24/11/2026 (Ngày Văn hóa Việt Nam): Thursday 26/11 17:00.
    friday = sent.recipient(doc, "Văn phòng Chính phủ", at(20, 10))
    assert flag_unacknowledged(now=at(25, 13)).flagged == []  # 5 calendar days, not 3 working days
    assert flag_unacknowledged(now=at(26, 16)).flagged == []
    result = flag_unacknowledged(now=at(26, 17, 30))
    assert result.flagged == [friday.id]
    assert friday.ack_flagged_at == at(26, 17, 30)
    told = notices()
    assert {user for user, _ in told} == {sent.clerk.id, sent.drafter.id}
    assert told[0][1] == "Quá 3 ngày làm việc chưa tiếp nhận: Văn phòng Chính phủ — văn bản 12/UBND-VP"
    assert flag_unacknowledged(now=at(27, 13)).flagged == []  # once
    assert len(notices()) == 2


def test_only_what_still_owes_an_acknowledgement_is_flagged(sent, create_agency):
    doc = sent.document()
    monday = at(16, 9)
    late_agency = sent.recipient(doc, "Sở Tài chính", monday, kind="agency", agency_id=create_agency().id)
    sent.recipient(doc, "Bộ Nội vụ", monday, acknowledged_at=at(17, 9))  # answered
    sent.recipient(doc, "UBND TP Hà Nội", monday, delivery="exported")  # a file sent by hand
    sent.recipient(doc, "UBND TP Hồ Chí Minh", monday, delivery="pending")  # the outbox's business
    sent.recipient(doc, "Đơn vị nội bộ", monday, kind="unit")
    draft = sent.document(status="draft", symbol=None)
    sent.recipient(draft, "Văn phòng Chính phủ", monday)
    assert flag_unacknowledged(now=at(23, 9)).flagged == [late_agency.id]


def test_the_recipient_table_and_the_list_show_the_flag(sent, client):
    doc = sent.document()
    late = sent.recipient(doc, "Văn phòng Chính phủ", at(16, 9))
    other = sent.document(symbol="13/UBND-VP")
    sent.recipient(other, "Bộ Nội vụ", at(16, 9), acknowledged_at=at(16, 10))
    flag_unacknowledged(now=at(23, 9))
    [row] = [r for r in tracking.recipient_statuses(sent.clerk, doc.id) if r["id"] == late.id]
    assert row["ack_late"] is True
    flt = queries.OutgoingFilter(unacknowledged=True)
    assert [d.id for d in queries.search(sent.clerk, flt)] == [doc.id]
    login(client, sent.clerk.username)
    html = client.get("/outgoing?tab=all&unacknowledged=1").get_data(as_text=True)
    assert "Chưa được tiếp nhận quá hạn" in html and "12/UBND-VP" in html and "13/UBND-VP" not in html
    doc.status = "recalled"  # a recalled document is no longer awaited: neither flagged nor listed
    [row] = [r for r in tracking.recipient_statuses(sent.clerk, doc.id) if r["id"] == late.id]
    assert row["ack_late"] is False and queries.search(sent.clerk, flt) == []


def test_the_sending_agency_s_days_off_push_the_flag_back(sent):
    from app.sla import services as sla

    doc = sent.document()
    friday = sent.recipient(doc, "Văn phòng Chính phủ", at(20, 10))
    sla.add_override(None, sent.agency.id, day=date(2026, 11, 25), kind="off", note="Nghỉ bù")
    assert flag_unacknowledged(now=at(26, 17, 30)).flagged == []  # Wednesday off too: one working day more
    assert flag_unacknowledged(now=at(27, 17, 30)).flagged == [friday.id]

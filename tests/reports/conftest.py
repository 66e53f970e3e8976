"""A hand-built month of work for the reports, at the suite's frozen instant (Monday 23/11/2026 09:00, +07:00).

The agency (the workflow tests' office) takes Friday 20/11/2026 off (an override), so deadlines and handling times
cross a weekend and a day off. Every figure the tests expect is worked out by hand next to the row that makes it.
Working hours: 07:30–11:30 and 13:30–17:00, Monday to Friday (the default calendar).
"""

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from app.core.clock import LOCAL_TZ
from app.core.db import db
from app.incoming.models import IncomingDocument, IncomingFile
from app.outgoing.models import OutgoingDocument, OutgoingRecipient, OutgoingVersion
from app.signing.models import SigningCredential
from app.sla import services as sla
from app.workflow.models import NO_DEADLINE, HumanTask, ProcessVersion, WorkflowInstance
from app.workflow.services import handling_minutes
from tests.outgoing.conftest import demo_pki, draft_bytes, outgoing_office, trusted_demo  # noqa: F401  (fixtures)
from tests.workflow.conftest import office  # noqa: F401  (the same small organisation)

PERIOD = {"start": "2026-11-01", "end": "2026-11-30"}


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """An instant of November 2026 (or `month`), Việt Nam time."""
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


class Builder:
    """Rows written straight to the tables the reports read (the procedures that normally write them are tested in
    their own modules; here the point is the arithmetic of the reports)."""

    def __init__(self, agency_id: int) -> None:
        self.agency_id = agency_id
        self.version = ProcessVersion(
            process_id="incoming",
            name="Xử lý văn bản đến",
            agency_id=None,
            version=99,
            checksum="x",
            bpmn_xml="",
            forms={},
            source="tests/reports",
        )
        db.session.add(self.version)
        db.session.flush()
        self.count = 0
        self.instances: dict[tuple[str, int], WorkflowInstance] = {}

    def incoming(self, agency_id=None, **values) -> IncomingDocument:
        document = IncomingDocument(
            agency_id=agency_id or self.agency_id,
            channel=values.pop("channel", "paper"),
            status=values.pop("status", "handling"),
            sender_name="Sở Nội vụ",
            type_name=values.pop("type_name", "Công văn"),
            subject=values.pop("subject", "Về việc thử báo cáo"),
            **values,
        )
        db.session.add(document)
        db.session.flush()
        return document

    def outgoing(self, drafter, agency_id=None, **values) -> OutgoingDocument:
        document = OutgoingDocument(
            agency_id=agency_id or self.agency_id,
            status=values.pop("status", "draft"),
            type_code="CV",
            type_name=values.pop("type_name", "Công văn"),
            subject=values.pop("subject", "Về việc trả lời"),
            drafter_id=drafter.id,
            **values,
        )
        db.session.add(document)
        db.session.flush()
        return document

    def task(self, document, *, created, due=None, completed=None, **values) -> HumanTask:
        """A task of `document`'s procedure; a completed one gets its working minutes as the engine stores them."""
        self.count += 1
        object_type = "incoming" if isinstance(document, IncomingDocument) else "outgoing"
        instance = self.instances.get((object_type, document.id))
        if instance is None:  # one case per document
            instance = self.instances[object_type, document.id] = WorkflowInstance(
                process_version_id=self.version.id,
                process_id=object_type,
                agency_id=document.agency_id,
                object_type=object_type,
                object_id=str(document.id),
                title=document.subject,
                status="running",
                state=b"",
                started_at=created,
            )
            db.session.add(instance)
            db.session.flush()
        task = HumanTask(
            instance_id=instance.id,
            spiff_task_id=f"t{self.count}",
            task_name="handle",
            title=values.pop("title", "Giải quyết văn bản"),
            process_id=object_type,
            object_type=object_type,
            object_id=str(document.id),
            object_title=document.subject,
            agency_id=document.agency_id,
            due_at=due,
            due_sort=due or NO_DEADLINE,
            state="completed" if completed else values.pop("state", "claimed"),
            created_at=created,
            completed_at=completed,
            **values,
        )
        if completed:
            task.working_minutes = handling_minutes(created, completed, document.agency_id)
        db.session.add(task)
        db.session.flush()
        return task


@pytest.fixture
def month(office, frozen_clock, create_agency, create_user):  # noqa: F811  (the imported fixture)
    """The hand-built month; returns the office, its tasks and documents, and a second agency under it."""
    sla.add_override(None, office.agency.id, day=date(2026, 11, 20), kind="off", note="Nghỉ bù")
    b = Builder(office.agency.id)
    a1, a2, spec_b, leader = office.spec_a1, office.spec_a2, office.spec_b, office.leader
    unit_a, unit_b = office.unit_a.id, office.unit_b.id

    # --- documents: văn bản đến of November --------------------------------------------------------------------
    # On time: completed on its deadline's day.
    d1 = b.incoming(
        lead_unit_id=unit_a,
        arrived_at=at(16, 8),
        handling_due=date(2026, 11, 20),
        status="completed",
        completed_at=at(20, 16),
        channel="electronic",
        direction="Phòng Tổng hợp tham mưu trả lời.",
    )
    # Late: 00:30 on the 21st in Việt Nam is still the 20th in UTC.
    d2 = b.incoming(
        lead_unit_id=unit_a,
        arrived_at=at(16, 9),
        handling_due=date(2026, 11, 20),
        status="completed",
        completed_at=at(21, 0, 30),
        channel="electronic",
    )
    d3 = b.incoming(lead_unit_id=unit_a, arrived_at=at(17, 9), handling_due=date(2026, 11, 25))  # in progress
    # Overdue: the 20th has passed.
    d4 = b.incoming(
        lead_unit_id=unit_b,
        arrived_at=at(17, 10),
        handling_due=date(2026, 11, 20),
        type_name="Quyết định",
        direction="Phòng Kinh tế chủ trì, báo cáo trước ngày 20/11.",
    )
    b.incoming(arrived_at=at(18, 8), status="registered")  # no unit, no deadline: in progress
    b.incoming(arrived_at=at(18, 9), status="returned", channel="electronic", returned_reason="Không đúng thẩm quyền")
    b.incoming(arrived_at=at(30, 9, month=10), status="completed", completed_at=at(31, 9, month=10))  # October
    db.session.add(
        IncomingFile(
            document_id=d1.id,
            sha256="0" * 64,
            filename="a.pdf",
            content_type="application/pdf",
            size=1,
            is_main=True,
            signature_valid=True,
        )
    )

    # --- documents: văn bản đi --------------------------------------------------------------------------------
    credential = SigningCredential(
        agency_id=office.agency.id,
        kind="organization",
        subject_name="CN=UBND",
        issuer_name="CN=CA",
        serial="1",
        fingerprint="f" * 64,
        not_before=at(1, 0),
        not_after=at(1, 0, month=12),
        certificate_der=b"x",
        encrypted_p12=b"x",
        image_sha256="0" * 64,
        image_width_pt=1.0,
        image_height_pt=1.0,
    )
    db.session.add(credential)
    o1 = b.outgoing(
        a1,
        drafting_unit_id=unit_a,
        created_at=at(16, 8),
        reply_due=date(2026, 11, 20),
        status="issued",
        issued_at=at(19, 9, 30),
        symbol="10/UBND-TH",
        number_year=2026,
    )
    db.session.add(
        OutgoingVersion(
            document_id=o1.id,
            number=1,
            stage="issued",
            sha256="1" * 64,
            filename="o1.pdf",
            size=1,
            credential_id=credential.id,
        )
    )
    b.outgoing(a1, drafting_unit_id=unit_a, created_at=at(17, 8))  # a draft without deadline: in progress
    b.outgoing(spec_b, drafting_unit_id=unit_b, created_at=at(17, 9), reply_due=date(2026, 11, 18), status="reviewing")
    b.outgoing(a1, drafting_unit_id=unit_a, created_at=at(17, 10), status="cancelled")  # abandoned: not counted
    o5 = b.outgoing(
        a1,
        drafting_unit_id=unit_a,
        created_at=at(13, 8),
        status="issued",
        issued_at=at(16, 9),
        symbol="11/UBND-TH",
        number_year=2026,
    )
    o6 = b.outgoing(
        a1,
        drafting_unit_id=unit_a,
        created_at=at(18, 8),
        status="issued",
        issued_at=at(20, 9),
        symbol="12/UBND-TH",
        number_year=2026,
    )
    other = create_agency(name="Sở Tài chính", parent_id=office.agency.id)
    third = create_agency(name="Sở Y tế")

    def deliver(document, name, *, dispatched, acknowledged=None, kind="agency", **values):
        db.session.add(
            OutgoingRecipient(
                document_id=document.id,
                kind=kind,
                agency_id=other.id if kind == "agency" else None,
                name=name,
                delivery="delivered" if kind == "agency" else "exported",
                dispatched_at=dispatched,
                acknowledged_at=acknowledged,
                **values,
            )
        )

    deliver(o1, "Sở Tài chính", dispatched=at(19, 10), acknowledged=at(19, 10, 30), status_code="03")  # 30 min
    # 90 min, refused.
    deliver(
        o1, "Sở Y tế", dispatched=at(19, 10), acknowledged=at(19, 11, 30), status_code="02", status_note="Sai nơi nhận"
    )
    deliver(o1, "Bộ Nội vụ", dispatched=at(19, 10), kind="external")
    deliver(o5, "Sở Tài chính", dispatched=at(16, 9, 5))  # silent since Monday 16: 3 working days ended Thu 19
    deliver(o6, "Sở Tài chính", dispatched=at(20, 9, 5))  # silent since the day off: Tue 24 is a holiday, ends Thu 26

    # --- tasks --------------------------------------------------------------------------------------------------
    tasks = SimpleNamespace(
        # Thu 16:00 → Mon 08:00 across the day off and the weekend: 60 + 30 = 90 working minutes; on time.
        t1=b.task(d1, created=at(19, 16), due=at(23, 8, 30), completed=at(23, 8), assignee_id=a1.id, unit_id=unit_a),
        # Wed 09:00 → Thu 10:00: 150 + 210 + 150 = 510 minutes; late (due Thu 09:00).
        t2=b.task(d2, created=at(18, 9), due=at(19, 9), completed=at(19, 10), assignee_id=a1.id, unit_id=unit_a),
        # Tue 08:00 → 10:00: 120 minutes, on time.
        t3=b.task(d3, created=at(17, 8), due=at(17, 17), completed=at(17, 10), assignee_id=a2.id, unit_id=unit_a),
        # Open, due on the day off at 17:00: overdue by Monday 07:30–09:00 = 90 working minutes.
        t4=b.task(d4, created=at(19, 8), due=at(20, 17), assignee_id=spec_b.id, unit_id=unit_b, urgency="urgent"),
        # Open, due today 16:00, offered to unit A, nobody took it.
        t5=b.task(d3, created=at(23, 8), due=at(23, 16), unit_id=unit_a, state="ready"),
        # Open, no deadline, the leader's own lane.
        t6=b.task(o1, created=at(20, 8), assignee_id=leader.id, role="lanh_dao"),
        # Completed in October: outside the period.
        t7=b.task(
            d1,
            created=at(1, 8, month=10),
            due=at(2, 8, month=10),
            completed=at(5, 8, month=10),
            assignee_id=a1.id,
            unit_id=unit_a,
        ),
    )
    return SimpleNamespace(
        office=office,
        tasks=tasks,
        other=other,
        third=third,
        d1=d1,
        d4=d4,
        o1=o1,
        other_leader=create_user(roles=("lanh_dao",), agency=other, username="ld.stc", full_name="Lãnh đạo Sở"),
    )

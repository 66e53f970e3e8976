"""The file plan's services: numbering both ways (Phụ lục V.I.2), approval by the head only (NĐ 30 Điều 28),
numbers frozen once issued and hồ sơ appended (seed 000 Điều 19.2.a), copy from last year, open_entries
(NĐ 30 Phụ lục VI III.4.a: the Danh mục hồ sơ made in the System)."""

from datetime import date

import pytest

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.dossiers import permissions
from app.dossiers import plan as plans
from app.dossiers import plan_items as items
from app.dossiers.states import PlanStatus
from tests.dossiers.conftest import make_dossier


def build(office, numbering="plan", year=2026):
    """I. Tổ chức cán bộ (TCCB) with one hồ sơ and a sub-heading with two; II. Văn phòng (VP) with two."""
    clerk = office.clerk
    plan = plans.create_plan(clerk, year, numbering)
    tccb = items.add_heading(clerk, plan, title="Tổ chức cán bộ", abbreviation="tccb")
    vp = items.add_heading(clerk, plan, title="Văn phòng", abbreviation="VP")
    sub = items.add_heading(clerk, plan, title="Tuyển dụng", parent_id=tccb.id)
    add = lambda heading, title, **kw: items.add_entry(  # noqa: E731
        clerk, plan, heading_id=heading.id, title=title, maintenance=kw.pop("maintenance", "05"), **kw
    )
    e = {
        "kh": add(tccb, "Kế hoạch công tác cán bộ", responsible_id=office.spec_a1.id),
        "td1": add(sub, "Hồ sơ tuyển dụng đợt 1", maintenance="01"),
        "td2": add(sub, "Hồ sơ tuyển dụng đợt 2", maintenance="07", retention_years=15),
        "vp1": add(vp, "Sổ đăng ký văn bản đến", responsible_unit_id=office.unit_a.id),
        "vp2": add(vp, "Hồ sơ hội nghị", responsible_id=office.spec_b.id),
    }
    return plan, {"tccb": tccb, "vp": vp, "sub": sub}, e


def notations(plan):
    return [row.entry.notation for row in plans.outline(plan) if row.kind == "entry"]


def test_numbering_through_the_whole_plan_and_per_main_heading(archive_office, frozen_clock):
    plan, h, e = build(archive_office)
    assert notations(plan) == ["01.TCCB", "02.TCCB", "03.TCCB", "04.VP", "05.VP"]
    labels = [row.label for row in plans.outline(plan) if row.kind != "entry"]
    assert labels == ["I. Tổ chức cán bộ", "1. Tuyển dụng", "II. Văn phòng"]  # Roman, then Arabic inside
    plans.set_numbering(archive_office.clerk, plan, "heading")
    assert notations(plan) == ["01.TCCB", "02.TCCB", "03.TCCB", "01.VP", "02.VP"]
    # Moving renumbers a draft: II before I.
    items.move_heading(archive_office.clerk, plan, h["vp"].id, "up")
    assert [row.label for row in plans.outline(plan) if row.kind == "main"] == ["I. Văn phòng", "II. Tổ chức cán bộ"]
    plans.set_numbering(archive_office.clerk, plan, "plan")
    assert notations(plan) == ["01.VP", "02.VP", "03.TCCB", "04.TCCB", "05.TCCB"]
    items.move_entry(archive_office.clerk, plan, e["vp2"].id, "up")
    assert [e["vp2"].notation, e["vp1"].notation] == ["01.VP", "02.VP"]
    items.delete_entry(archive_office.clerk, plan, e["vp1"].id)
    assert notations(plan) == ["01.VP", "02.TCCB", "03.TCCB", "04.TCCB"]
    assert plans.counts(plan) == plans.Counts(4, 1, 3)
    assert plans.retention_of(e["td2"]) == "15 năm"


def test_bad_headings_and_entries_are_refused(archive_office, frozen_clock):
    plan, h, _ = build(archive_office)
    clerk = archive_office.clerk
    with pytest.raises(ValidationError) as refused:
        items.add_heading(clerk, plan, title="Kế toán", abbreviation="VP")
    assert refused.value.code == "heading_abbreviation_taken"
    with pytest.raises(ValidationError) as refused:
        items.add_heading(clerk, plan, title="Kế toán")
    assert refused.value.code == "heading_abbreviation_missing"
    with pytest.raises(ValidationError) as refused:
        items.add_entry(clerk, plan, heading_id=h["vp"].id, title="X", maintenance="07")
    assert refused.value.code == "retention_invalid"
    with pytest.raises(ValidationError) as refused:
        items.add_entry(clerk, plan, heading_id=h["vp"].id, title="X", maintenance="05", responsible_id=-5)
    assert refused.value.code == "responsible_invalid"
    with pytest.raises(Conflict) as refused:
        items.delete_heading(clerk, plan, h["vp"].id)
    assert refused.value.code == "heading_not_empty"
    with pytest.raises(PermissionDenied):  # a specialist may not edit a draft plan
        items.add_heading(archive_office.spec_a1, plan, title="Kế toán", abbreviation="KT")


def test_only_the_head_approves_and_numbers_are_frozen_afterwards(archive_office, frozen_clock):
    plan, h, e = build(archive_office, numbering="heading")
    with pytest.raises(PermissionDenied):
        plans.approve_plan(archive_office.clerk, plan, decision_number="12/QĐ-UBND", decision_date=date(2026, 1, 5))
    assert plan.status == PlanStatus.DRAFT
    with pytest.raises(ValidationError) as refused:  # a decision not signed yet: issuing is not undone
        plans.approve_plan(archive_office.leader, plan, decision_number="12/QĐ-UBND", decision_date=date(2027, 3, 1))
    assert refused.value.code == "decision_date_future" and plan.status == PlanStatus.DRAFT
    plans.approve_plan(archive_office.leader, plan, decision_number="12/QĐ-UBND", decision_date=date(2026, 1, 5))
    assert (plan.status, plan.decision_number, plan.approved_by_id) == (
        "approved",
        "12/QĐ-UBND",
        archive_office.leader.id,
    )
    with pytest.raises(Conflict) as refused:
        items.move_entry(archive_office.clerk, plan, e["kh"].id, "down")
    assert refused.value.code == "file_plan_approved"
    with pytest.raises(Conflict):
        plans.set_numbering(archive_office.clerk, plan, "plan")
    # A specialist adds her own hồ sơ phát sinh: it takes the next number of its main heading, others stay.
    added = items.add_entry(
        archive_office.spec_a2, plan, heading_id=h["tccb"].id, title="Hồ sơ nâng lương", maintenance="05"
    )
    assert (added.notation, added.responsible_id) == ("04.TCCB", archive_office.spec_a2.id)
    assert notations(plan)[:4] == ["01.TCCB", "04.TCCB", "02.TCCB", "03.TCCB"]  # printed under I, numbered after
    # The issued entries are the head's decision (NĐ 30 Điều 28): not deleted; an appended one may be.
    with pytest.raises(Conflict) as refused:
        items.delete_entry(archive_office.clerk, plan, e["kh"].id)
    assert refused.value.code == "entry_issued" and e["kh"] in plan.entries
    assert (added.appended, e["kh"].appended) == (True, False)
    items.delete_entry(archive_office.clerk, plan, added.id)
    assert [e["td1"].notation, e["vp2"].notation] == ["02.TCCB", "02.VP"]  # never renumbered once issued
    dossier = make_dossier(archive_office.spec_b, notation="02.VP", entry_id=e["vp2"].id)
    with pytest.raises(Conflict) as refused:
        items.delete_entry(archive_office.clerk, plan, e["vp2"].id)
    assert refused.value.code == "entry_in_use" and dossier.entry_id == e["vp2"].id
    actions = {a for (a,) in db.session.query(AuditEvent.action).filter(AuditEvent.action.like("file_plan.%"))}
    assert {"file_plan.created", "file_plan.approved", "file_plan.entry_added", "file_plan.entry_deleted"} <= actions


def test_open_entries_are_the_ones_the_user_may_open_without_a_dossier(archive_office, frozen_clock):
    plan, _, e = build(archive_office)
    assert plans.open_entries(archive_office.spec_a1, 2026) == []  # draft: nothing to open yet
    plans.approve_plan(archive_office.leader, plan, decision_number="1/QĐ", decision_date=date(2026, 1, 2))
    nobodys = [e["td1"], e["td2"]]  # naming neither a person nor a unit: anyone's of the agency
    assert plans.open_entries(archive_office.spec_a1, 2026) == [e["kh"], *nobodys, e["vp1"]]  # hers, her unit's
    assert plans.open_entries(archive_office.spec_a2, 2026) == [*nobodys, e["vp1"]]
    assert plans.open_entries(archive_office.spec_b, 2026) == [*nobodys, e["vp2"]]
    for user in (archive_office.spec_a1, archive_office.spec_a2, archive_office.spec_b):  # the one rule, both ways
        assert all(permissions.can_open_entry(user, x) for x in plans.open_entries(user, 2026))
    make_dossier(archive_office.spec_a1, notation="01.TCCB", entry_id=e["kh"].id)
    assert plans.open_entries(archive_office.spec_a1, 2026) == [*nobodys, e["vp1"]]
    assert plans.open_entries(archive_office.spec_a1, 2027) == []


def test_copy_from_last_year_keeps_structure_and_active_people(archive_office, frozen_clock):
    old, _, _ = build(archive_office, numbering="heading", year=2025)
    plans.approve_plan(archive_office.leader, old, decision_number="3/QĐ", decision_date=date(2025, 1, 3))
    archive_office.spec_b.is_active = False  # left the agency
    archive_office.unit_a.is_active = False  # merged away
    new = plans.copy_previous(archive_office.clerk, 2026)
    assert (new.year, new.status, new.numbering) == (2026, "draft", "heading")
    assert notations(new) == notations(old)
    assert [r.label for r in plans.outline(new)] == [r.label for r in plans.outline(old)]
    people = {row.entry.title: row.entry.responsible_id for row in plans.outline(new) if row.kind == "entry"}
    assert people["Kế hoạch công tác cán bộ"] == archive_office.spec_a1.id
    assert people["Hồ sơ hội nghị"] is None  # deactivated: not kept
    units = {row.entry.title: row.entry.responsible_unit_id for row in plans.outline(new) if row.kind == "entry"}
    assert units["Sổ đăng ký văn bản đến"] is None  # nor a closed unit
    with pytest.raises(Conflict):
        plans.copy_previous(archive_office.clerk, 2026)
    with pytest.raises(NotFound):
        plans.copy_previous(archive_office.clerk, 2030)


def test_another_agencys_plan_is_not_found(archive_office, create_user, frozen_clock):
    plan, _h, _ = build(archive_office)
    stranger = create_user(roles=("van_thu", "lanh_dao"))
    with pytest.raises(NotFound):
        plans.get_plan(stranger, plan.id)
    with pytest.raises(NotFound):
        items.add_heading(stranger, plan, title="X", abbreviation="X")
    with pytest.raises(NotFound):
        plans.approve_plan(stranger, plan, decision_number="1", decision_date=date(2026, 1, 1))


def test_sub_headings_are_numbered_inside_their_main_heading(archive_office, frozen_clock):
    plan, h, e = build(archive_office, numbering="heading")
    clerk = archive_office.clerk
    second = items.add_heading(clerk, plan, title="Nâng lương", parent_id=h["tccb"].id)
    first_of_vp = items.add_heading(clerk, plan, title="Hành chính", parent_id=h["vp"].id)
    assert [plans.heading_numeral(x) for x in (h["sub"], second, first_of_vp)] == ["1", "2", "1"]
    with pytest.raises(ValidationError) as refused:  # one level of sub-headings only (Phụ lục V.I.1)
        items.add_heading(clerk, plan, title="Sâu hơn", parent_id=second.id)
    assert refused.value.code == "heading_depth"
    items.update_entry(clerk, plan, e["td2"].id, heading_id=second.id)
    items.move_heading(clerk, plan, second.id, "up")
    assert [r.label for r in plans.outline(plan) if r.kind == "sub"] == [
        "1. Nâng lương",
        "2. Tuyển dụng",
        "1. Hành chính",
    ]
    assert notations(plan) == ["01.TCCB", "02.TCCB", "03.TCCB", "01.VP", "02.VP"]
    assert [r.entry.title for r in plans.outline(plan) if r.kind == "entry"][1] == "Hồ sơ tuyển dụng đợt 2"
    items.delete_heading(clerk, plan, first_of_vp.id)
    assert [r.label for r in plans.outline(plan) if r.kind == "sub"] == ["1. Nâng lương", "2. Tuyển dụng"]
    items.update_heading(clerk, plan, h["vp"].id, abbreviation="VPHC")
    assert notations(plan)[-2:] == ["01.VPHC", "02.VPHC"]

"""Opening a dossier: from an issued file-plan entry or ad hoc (NĐ 30/2020 Điều 29.2.c); FileCode = OrganId.năm.số
và ký hiệu (Phụ lục VI Phần II.III 1.1–1.3); describing it while open."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.dossiers import services
from app.dossiers.models import Dossier
from app.dossiers.states import DossierStatus, PlanStatus
from tests.dossiers.conftest import make_dossier
from tests.dossiers.helpers_dossier import issued_plan


def entries(office):
    return [
        ("01.TH", "Hồ sơ tổng hợp báo cáo năm 2026", "04", 30, office.spec_a1, None),
        ("02.TH", "Hồ sơ hội nghị sơ kết", "06", 10, None, office.unit_a),
        ("03.TH", "Hồ sơ về chương trình công tác", "01", None, office.spec_b, None),
    ]


def test_a_dossier_opened_from_the_plan_takes_the_entrys_title_code_and_retention(archive_office, frozen_clock):
    plan = issued_plan(archive_office, entries=entries(archive_office))
    entry = plan.entries[0]
    dossier = services.open_from_entry(archive_office.spec_a1, entry.id)
    assert dossier.file_code == "000.00.00.H33.2026.01.TH"
    assert (dossier.title, dossier.notation, dossier.maintenance, dossier.retention_years) == (
        "Hồ sơ tổng hợp báo cáo năm 2026",
        "01.TH",
        "04",
        30,
    )
    assert (dossier.year, dossier.entry_id, dossier.creator_id, dossier.status) == (
        2026,
        entry.id,
        archive_office.spec_a1.id,
        DossierStatus.OPEN,
    )
    assert dossier.start_date == date(2026, 11, 23)  # today in Vietnam (frozen)
    assert db.session.scalar(
        sa.select(AuditEvent.action).where(AuditEvent.object_type == "dossier", AuditEvent.object_id == str(dossier.id))
    ) == ("dossier.open")
    with pytest.raises(Conflict) as twice:  # one dossier per entry
        services.open_from_entry(archive_office.spec_a1, entry.id)
    assert twice.value.code == "dossier_exists"


def test_only_the_responsible_person_or_a_member_of_the_unit_opens_an_entry(archive_office, frozen_clock):
    plan = issued_plan(archive_office, entries=entries(archive_office))
    first, unit_entry, other = plan.entries
    with pytest.raises(PermissionDenied):
        services.open_from_entry(archive_office.spec_a2, first.id)  # given to spec_a1
    assert services.open_from_entry(archive_office.spec_a2, unit_entry.id).creator_id == archive_office.spec_a2.id
    with pytest.raises(PermissionDenied):
        services.open_from_entry(archive_office.spec_a1, other.id)
    assert [e.notation for e in services.plan_entries(archive_office.spec_a1, 2026)] == ["01.TH", "02.TH"]
    assert [e.notation for e in services.plan_entries(archive_office.spec_b, 2026)] == ["03.TH"]


def test_a_draft_plan_opens_nothing_and_another_agency_sees_no_entry(archive_office, create_user, create_agency):
    plan = issued_plan(archive_office, status=PlanStatus.DRAFT, entries=entries(archive_office))
    with pytest.raises(Conflict) as refused:
        services.open_from_entry(archive_office.spec_a1, plan.entries[0].id)
    assert refused.value.code == "plan_not_approved"
    stranger = create_user(roles=("chuyen_vien",), agency=create_agency(), username="cv.khac")
    with pytest.raises(NotFound):
        services.open_from_entry(stranger, plan.entries[0].id)
    assert services.plan_entries(archive_office.spec_a1, 2026) == []


def test_an_ad_hoc_dossier_gets_its_code_from_the_agency_the_start_year_and_its_notation(archive_office, frozen_clock):
    dossier = services.open_ad_hoc(
        archive_office.spec_a1,
        title="Hồ sơ xử lý sự cố sạt lở",
        notation="15.TH",
        maintenance="07",
        retention_years=15,
        start_date=date(2026, 10, 2),
        rights="02",
        language="01,02",
        description="Phát sinh ngoài danh mục",
    )
    assert dossier.file_code == "000.00.00.H33.2026.15.TH"
    assert (dossier.entry_id, dossier.retention_years, dossier.rights, dossier.language) == (None, 15, "02", "01,02")
    ahead = {"title": "Hồ sơ năm sau", "notation": "15.TH", "maintenance": "06", "start_date": date(2027, 1, 4)}
    with pytest.raises(ValidationError) as refused:  # not begun yet: its code's year would be a guess
        services.open_ad_hoc(archive_office.spec_a1, **ahead)
    assert "không được sau ngày hôm nay" in refused.value.details["start_date"]
    frozen_clock.set(datetime(2027, 1, 4, 2, 0, tzinfo=UTC))
    assert services.open_ad_hoc(archive_office.spec_a1, **ahead).file_code == (
        "000.00.00.H33.2027.15.TH"
    )  # the same notation in another year is another dossier


def test_an_ad_hoc_notation_may_not_clash_with_the_plan_or_another_dossier(archive_office, frozen_clock):
    issued_plan(archive_office, entries=entries(archive_office))
    make_dossier(archive_office.spec_b, notation="20.KT")
    for notation in ("01.TH", "02.th", "20.KT"):
        with pytest.raises(Conflict) as clash:
            services.open_ad_hoc(archive_office.spec_a1, title="Hồ sơ", notation=notation, maintenance="06")
        assert clash.value.code == "notation_taken"
    with pytest.raises(ValidationError) as invalid:
        services.open_ad_hoc(archive_office.spec_a1, title=" ", notation="15 TH!", maintenance="07")
    assert set(invalid.value.details) == {"title", "notation", "retention_years"}
    assert db.session.scalar(sa.select(sa.func.count(Dossier.id))) == 1


def test_the_creator_describes_an_open_dossier_and_a_stale_form_is_refused(archive_office, frozen_clock):
    dossier = make_dossier(archive_office.spec_a1)
    version = dossier.version
    services.describe_dossier(
        archive_office.spec_a1,
        dossier.id,
        {
            "description": "Gồm báo cáo các quý",
            "keywords": "báo cáo",
            "kind": "construction",
            "settled_on": date(2026, 11, 1),
        },
        version=version,
    )
    assert (dossier.description, dossier.kind, dossier.settled_on) == (
        "Gồm báo cáo các quý",
        "construction",
        date(2026, 11, 1),
    )
    with pytest.raises(Conflict) as stale:
        services.describe_dossier(archive_office.spec_a1, dossier.id, {"description": "Khác"}, version=version)
    assert stale.value.code == "stale_version"
    with pytest.raises(PermissionDenied):
        services.describe_dossier(archive_office.unit_leader, dossier.id, {"description": "Khác"})
    closed = make_dossier(archive_office.spec_a1, notation="02.TH", status=DossierStatus.CLOSED)
    with pytest.raises(Conflict) as not_open:
        services.describe_dossier(archive_office.spec_a1, closed.id, {"description": "Khác"})
    assert not_open.value.code == "dossier_not_open"

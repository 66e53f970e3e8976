"""The head lets a person use a dossier until a date, and revokes it (seed 001 QĐ 278 Điều 8.2–3); every change of
access is told to the dossier's creator (Phụ lục VI III.3.c)."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.dossiers import grants, permissions, queries
from app.dossiers.states import DossierStatus
from app.notifications.models import Notification
from tests.dossiers.conftest import make_dossier


def sees(user, dossier) -> bool:
    listed = dossier.id in {d.id for d in queries.search(user, queries.DossierFilter())}
    assert listed == permissions.can_view(user, dossier), "the list and the page disagree"
    return listed


def notices(user) -> list[str]:
    query = sa.select(Notification.title).where(Notification.user_id == user.id).order_by(Notification.id)
    return list(db.session.scalars(query))


def test_the_grantee_uses_the_dossier_until_the_day_given(archive_office, frozen_clock):
    office = archive_office
    dossier = make_dossier(office.spec_a1)
    assert not sees(office.spec_b, dossier)
    until = date(2026, 11, 30)
    grant = grants.grant_access(office.leader, dossier.id, office.spec_b.id, until=until, note="Phục vụ thanh tra")
    assert sees(office.spec_b, dossier)
    assert notices(office.spec_a1) == [
        "Lý Thị Mỹ Duyên được phép sử dụng hồ sơ 000.00.00.H33.2026.01.TH đến hết ngày 30/11/2026"
    ]
    assert len(notices(office.spec_b)) == 1
    frozen_clock.advance(days=7)  # 30/11, the last day, Vietnam time
    assert sees(office.spec_b, dossier)
    frozen_clock.advance(days=1)
    assert not sees(office.spec_b, dossier)
    assert grant.revoked_at is None and not permissions.grant_active_on(grant, date(2026, 12, 1))


def test_a_revoked_grant_ends_at_once_and_the_creator_is_told(archive_office, frozen_clock):
    office = archive_office
    dossier = make_dossier(office.spec_a1, status=DossierStatus.ARCHIVED, rights="02")
    grant = grants.grant_access(office.leader, dossier.id, office.spec_b.id)
    assert sees(office.spec_b, dossier)
    again = grants.grant_access(office.leader, dossier.id, office.spec_b.id, until=date(2027, 1, 31))
    assert grant.revoked_at is not None and again.revoked_at is None  # one grant in force per person
    grants.revoke_access(office.leader, dossier.id, again.id)
    assert not sees(office.spec_b, dossier)
    assert notices(office.spec_a1)[-1] == "Đã thu hồi quyền sử dụng hồ sơ 000.00.00.H33.2026.01.TH của Lý Thị Mỹ Duyên"
    assert [g.id for g in grants.list_grants(office.spec_a1, dossier.id)] == [again.id, grant.id]


def test_only_the_head_grants_and_only_to_people_of_the_agency(
    archive_office, create_user, create_agency, frozen_clock
):
    office = archive_office
    dossier = make_dossier(office.spec_a1)
    for someone in (office.spec_a1, office.unit_leader, office.archivist):
        with pytest.raises(PermissionDenied):
            grants.grant_access(someone, dossier.id, office.spec_b.id)
    stranger = create_user(roles=("lanh_dao",), agency=create_agency(), username="lanhdao.khac")
    with pytest.raises(NotFound):  # another agency's head: no such dossier
        grants.grant_access(stranger, dossier.id, office.spec_b.id)
    with pytest.raises(ValidationError) as outsider:
        grants.grant_access(office.leader, dossier.id, stranger.id)
    assert outsider.value.code == "grantee_invalid"
    with pytest.raises(ValidationError) as past:
        grants.grant_access(office.leader, dossier.id, office.spec_b.id, until=date(2026, 11, 23) - timedelta(days=1))
    assert past.value.code == "grant_until_past"
    assert grants.list_grants(office.leader, dossier.id) == []  # nothing was granted

"""The lifecycle table and who sees a dossier (app.dossiers.states, app.dossiers.permissions)."""

import pytest

from app.core.errors import Conflict
from app.dossiers import permissions
from app.dossiers.models import DossierGrant
from app.dossiers.states import DossierStatus, dossier_moved, move
from tests.dossiers.conftest import make_dossier


def test_a_dossier_moves_only_along_the_table_and_says_so(archive_office):
    dossier = make_dossier(archive_office.spec_a1)
    heard = []

    def listener(sender, **kwargs):
        heard.append((sender.id, kwargs["action"]))

    dossier_moved.connect(listener)
    try:
        assert move(dossier, "close", archive_office.spec_a1) == DossierStatus.CLOSED
        with pytest.raises(Conflict) as refused:
            move(dossier, "accept", archive_office.archivist)  # not submitted
        assert refused.value.code == "dossier_status"
        assert move(dossier, "submit", archive_office.spec_a1) == DossierStatus.SUBMITTED
        assert move(dossier, "accept", archive_office.archivist) == DossierStatus.ARCHIVED
    finally:
        dossier_moved.disconnect(listener)
    assert heard == [(dossier.id, "close"), (dossier.id, "submit"), (dossier.id, "accept")]


# NĐ 30 Phụ lục VI III.3.b: access to each dossier is by permission
def test_who_sees_a_current_dossier(archive_office, db_session):
    o = archive_office
    dossier = make_dossier(o.spec_a1)
    assert permissions.can_view(o.spec_a1, dossier)
    assert permissions.can_view(o.unit_leader, dossier)  # leader of the creator's unit
    assert permissions.can_view(o.leader, dossier)
    assert not permissions.can_view(o.spec_a2, dossier)
    assert not permissions.can_view(o.spec_b, dossier)
    db_session.add(DossierGrant(dossier_id=dossier.id, user_id=o.spec_b.id, granted_by_id=o.leader.id))
    db_session.flush()
    assert permissions.can_view(o.spec_b, dossier)  # the head granted its use (seed 001 QĐ 278 Điều 8.2)
    assert permissions.can_edit(o.spec_a1, dossier) and not permissions.can_edit(o.spec_b, dossier)


def test_another_agency_never_sees_a_dossier(archive_office, create_user):
    dossier = make_dossier(archive_office.spec_a1, status=DossierStatus.ARCHIVED, rights="01")
    stranger = create_user(roles=("lanh_dao", "luu_tru"))
    assert permissions.can_view(archive_office.spec_b, dossier)  # public archival record, same agency
    assert not permissions.can_view(stranger, dossier)

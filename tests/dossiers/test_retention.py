"""Retention: the archive list, expired records (eligible for destruction), holds (NĐ 30 Phụ lục VI III.5.đ: access
to records for as long as their retention)."""

from datetime import UTC, date, datetime

import pytest

from app.core import clock
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.dossiers import destruction, retention
from tests.dossiers.helpers_archive import archived_dossier

LATER = date(2037, 1, 1)  # the 10-year retention of a dossier ended 30/06/2026 is over


def test_eligible_only_after_expiry_and_not_held_or_listed(archive_office):
    office = archive_office
    ten = archived_dossier(office, notation="01.TH", content=b"a")  # expires 30/06/2036
    permanent = archived_dossier(office, notation="02.TH", content=b"b", maintenance="01", retention_years=None)
    held = archived_dossier(office, notation="03.TH", content=b"c")
    listed = archived_dossier(office, notation="04.TH", content=b"d")
    assert ten.expires_on == date(2036, 6, 30) and permanent.expires_on is None
    assert retention.eligible_for_destruction(office.agency.id, date(2036, 6, 29)) == []
    hold = retention.create_hold(office.archivist, name="Thanh tra 2036", reason="Vụ việc X", dossier_ids=[held.id])
    with clock.frozen(datetime(2037, 1, 1, 2, tzinfo=UTC)):
        destruction.create(office.archivist, title="Danh mục 1", dossier_ids=[listed.id])
    assert retention.eligible_for_destruction(office.agency.id, LATER) == [ten]
    retention.release_hold(office.archivist, hold.id, note="Đã kết thúc thanh tra")
    assert retention.eligible_for_destruction(office.agency.id, LATER) == [ten, held]


def test_holds_are_managed_by_the_archive_and_need_reasons(archive_office):
    office = archive_office
    dossier = archived_dossier(office)
    with pytest.raises(PermissionDenied):
        retention.create_hold(office.spec_a1, name="X", reason="Y", dossier_ids=[dossier.id])
    with pytest.raises(ValidationError) as missing:
        retention.create_hold(office.archivist, name="X", reason=" ")
    assert missing.value.details == {"reason": "Bắt buộc."}
    hold = retention.create_hold(office.leader, name="Khiếu nại", reason="Đơn khiếu nại số 5")
    retention.add_to_hold(office.archivist, hold.id, dossier.id)
    assert retention.is_held(dossier.id) and retention.active_holds_of(dossier) == [hold]
    retention.remove_from_hold(office.archivist, hold.id, dossier.id)
    assert not retention.is_held(dossier.id)
    retention.add_to_hold(office.archivist, hold.id, dossier.id)
    with pytest.raises(ValidationError):
        retention.release_hold(office.archivist, hold.id, note="")
    retention.release_hold(office.archivist, hold.id, note="Đã giải quyết")
    assert not retention.is_held(dossier.id)
    with pytest.raises(Conflict) as released:
        retention.add_to_hold(office.archivist, hold.id, dossier.id)
    assert released.value.code == "hold_released"


def test_the_archive_list_searches_and_respects_visibility(archive_office):
    office = archive_office
    public = archived_dossier(office, notation="01.TH", title="Hồ sơ hội nghị tổng kết")
    secret = archived_dossier(office, notation="02.TH", title="Hồ sơ thanh tra", rights="03")
    rows, total = retention.archive_list(office.archivist)
    assert total == 2 and set(rows) == {public, secret}
    assert retention.archive_list(office.archivist, q="TỔNG KẾT")[0] == [public]
    assert retention.archive_list(office.archivist, q="tong ket hoi nghi")[0] == [public]
    assert retention.archive_list(office.archivist, q="02.th")[0] == [secret]
    assert retention.archive_list(office.archivist, year=2025)[1] == 0
    assert retention.archive_list(office.archivist, maintenance="06")[1] == 2
    # A specialist of the agency sees the public archival records only (Phụ lục VI III.6.c).
    assert retention.archive_list(office.spec_b)[0] == [public]

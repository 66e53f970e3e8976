"""The agency directory (danh bạ liên thông): both code forms, local codes refused, merges followed, imports all or
nothing, who may."""

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.exchange import directory, peers
from app.exchange.directory_import import import_directory
from app.exchange.models import DirectoryEntry


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def entries() -> dict[str, DirectoryEntry]:
    return {e.code: e for e in db.session.scalars(sa.select(DirectoryEntry))}


@pytest.fixture
def peer(db_session):
    found, _secret = peers.add_peer(None, name="Tỉnh B", key_id="tinh-b", base_url="https://qlvb.tinh-b.test")
    return found


def test_both_identifier_forms_are_accepted_and_normalized(admin):
    qcvn = directory.add_entry(admin, code=" 000.00.00.g22 ", name="Văn phòng Chính phủ")
    qd20 = directory.add_entry(admin, code="H29.15", name="Sở Nội vụ TP Hồ Chí Minh")
    assert (qcvn.code, qd20.code) == ("000.00.00.G22", "H29.15")
    assert directory.resolve("000.00.00.g22").name == "Văn phòng Chính phủ"
    assert actions()[-2:] == ["exchange.directory_add", "exchange.directory_add"]


@pytest.mark.parametrize(
    ("code", "problem"),
    [("", "không được để trống"), ("000.00.00.Z99", "000.00.00.X99"), ("X12", "QĐ 20/2020"), ("H29..1", "QĐ 20/2020")],
)
def test_bad_codes_are_refused_with_the_reason(admin, code, problem):
    with pytest.raises(ValidationError) as err:
        directory.add_entry(admin, code=code, name="Cơ quan")
    assert problem in err.value.details["code"]


def test_an_agency_of_this_deployment_is_not_an_entry(admin, create_agency):
    local = create_agency(code="000.00.01.H45", name="Sở thử")
    with pytest.raises(ValidationError) as err:
        directory.add_entry(admin, code=local.code, name="Sở thử")
    assert "đã là cơ quan trong hệ thống" in err.value.message


def test_a_code_is_added_once(admin):
    directory.add_entry(admin, code="000.00.00.G09", name="Bộ Nội vụ")
    with pytest.raises(Conflict) as err:
        directory.add_entry(admin, code="000.00.00.g09", name="Bộ Nội vụ")
    assert err.value.code == "directory_code_taken"


def test_only_a_deployment_administrator_may_change_the_directory(create_user, create_agency):
    top = create_agency()
    child = create_agency(parent_id=top.id)
    agency_admin = create_user(roles=("quan_tri",), agency=child)
    clerk = create_user(roles=("van_thu",), agency=top)
    for actor in (agency_admin, clerk):
        with pytest.raises(PermissionDenied) as err:
            directory.add_entry(actor, code="000.00.00.G22", name="Văn phòng Chính phủ")
        assert err.value.code == "exchange_admin_only"
    top_admin = create_user(roles=("quan_tri",), agency=top)
    assert directory.add_entry(top_admin, code="000.00.00.G22", name="Văn phòng Chính phủ").id


def test_update_keeps_the_code_and_audits_what_changed(admin, peer):
    entry = directory.add_entry(admin, code="000.00.00.H26", name="UBND TP Hà Nội")
    directory.update_entry(admin, entry.id, name="UBND Thành phố Hà Nội", peer_id=peer.id, note="Qua LGSP")
    assert (entry.code, entry.name, entry.peer_id) == ("000.00.00.H26", "UBND Thành phố Hà Nội", peer.id)
    assert directory.peer_route("000.00.00.H26").peer_id == peer.id
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "exchange.directory_update" and set(event.changes) == {"name", "peer", "note"}


def test_deactivated_entries_resolve_to_nothing(admin):
    entry = directory.add_entry(admin, code="000.00.00.H29", name="UBND TP Hồ Chí Minh")
    directory.set_entry_active(admin, entry.id, False)
    assert directory.resolve("000.00.00.H29") is None
    with pytest.raises(Conflict):
        directory.set_entry_active(admin, entry.id, False)
    directory.set_entry_active(admin, entry.id, True)
    assert directory.resolve("000.00.00.H29").code == "000.00.00.H29"


def test_merges_are_followed_and_cycles_refused(admin, peer):
    old = directory.add_entry(admin, code="H61", name="UBND tỉnh Bình Dương")
    new = directory.add_entry(admin, code="000.00.00.H29", name="UBND TP Hồ Chí Minh", peer_id=peer.id)
    directory.merge_entry(admin, old.id, "000.00.00.h29")
    assert old.merged_into == "000.00.00.H29" and directory.state_of(old) == "merged"
    route = directory.peer_route("H61")
    assert (route.code, route.name, route.peer_id) == ("000.00.00.H29", "UBND TP Hồ Chí Minh", peer.id)
    assert directory.codes_of_peer(peer) == {"H61", "000.00.00.H29"}
    with pytest.raises(Conflict) as err:
        directory.merge_entry(admin, new.id, "H61")
    assert err.value.code == "directory_merge_cycle"
    with pytest.raises(ValidationError) as err:
        directory.merge_entry(admin, new.id, "000.00.00.H29")
    assert err.value.code == "directory_merge_self"
    with pytest.raises(ValidationError) as err:
        directory.merge_entry(admin, new.id, "000.00.00.H01")
    assert err.value.code == "directory_merge_target_unknown"
    assert actions()[-1] == "exchange.directory_merge"


def test_a_merge_may_lead_to_an_agency_of_this_deployment(admin):
    entry = directory.add_entry(admin, code="H99.1", name="Sở cũ")
    directory.merge_entry(admin, entry.id, admin.agency.code)
    assert directory.resolve("H99.1").agency_id == admin.agency_id


def test_list_filters_and_folds_accents(admin, peer):
    directory.add_entry(admin, code="000.00.00.G09", name="Bộ Nội vụ")
    directory.add_entry(admin, code="000.00.00.H26", name="UBND Thành phố Hà Nội", peer_id=peer.id)
    assert [e.code for e in directory.list_entries(q="ha noi")] == ["000.00.00.H26"]
    assert [e.code for e in directory.list_entries(q="g09")] == ["000.00.00.G09"]
    assert [e.code for e in directory.list_entries(with_peer=True)] == ["000.00.00.H26"]
    assert [s["code"] for s in directory.suggestions("noi")] == ["000.00.00.G09", "000.00.00.H26"]


CSV = (
    "\ufeffma_dinh_danh;ten_co_quan;he_thong;ghi_chu\n"
    "000.00.00.G22;Văn phòng Chính phủ;;\n"
    "000.00.00.G09;Bộ Nội vụ;tinh-b;qua hệ thống tỉnh B\n"
    "H29.15;Sở Nội vụ TP Hồ Chí Minh;;\n"
)


def test_csv_import_adds_updates_and_counts(admin, peer):
    directory.add_entry(admin, code="000.00.00.G22", name="VPCP")
    report = import_directory(admin, CSV.encode("utf-8"), "danh-ba.csv")
    assert (report.added, report.updated, report.unchanged, report.applied) == (2, 1, 0, True)
    found = entries()
    assert found["000.00.00.G22"].name == "Văn phòng Chính phủ"
    assert found["000.00.00.G09"].peer_id == peer.id and found["000.00.00.G09"].note == "qua hệ thống tỉnh B"
    again = import_directory(admin, CSV.encode("utf-8"), "danh-ba.csv")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert actions()[-1] == "exchange.directory_import"


def test_comma_separated_csv_without_bom(admin):
    data = "ma_dinh_danh,ten_co_quan\n000.00.00.H26,UBND Thành phố Hà Nội\n".encode()
    assert import_directory(admin, data, "a.csv").added == 1


def test_a_bad_line_refuses_the_whole_file_and_every_bad_line_is_listed(admin, create_agency):
    local = create_agency()
    data = (
        "ma_dinh_danh,ten_co_quan,he_thong\n"
        "000.00.00.G22,Văn phòng Chính phủ,\n"
        "000.00.00.Z22,Sai mã,\n"
        f"{local.code},Cơ quan của mình,\n"
        "000.00.00.G22,Trùng,\n"
        "000.00.00.G09,,khong-co\n"
    ).encode()
    with pytest.raises(ValidationError) as err:
        import_directory(admin, data, "x.csv")
    lines = list(err.value.details.values())
    assert err.value.code == "directory_import_invalid"
    assert lines[0].startswith("Dòng 3: Mã định danh “000.00.00.Z22”")
    assert "Dòng 4" in lines[1] and "đã là cơ quan trong hệ thống" in lines[1]
    assert lines[2] == "Dòng 5: Mã định danh 000.00.00.G22 trùng với dòng 2."
    assert lines[3:] == ["Dòng 6: thiếu tên cơ quan. Dòng 6: không có hệ thống liên thông mã khóa “khong-co”."]
    assert list(err.value.details) == ["line_3", "line_4", "line_5", "line_6"]  # keyed by the file's own lines
    assert entries() == {}


def test_dry_run_counts_without_writing(admin):
    report = import_directory(admin, CSV.replace(";tinh-b;", ";;").encode(), "a.csv", dry_run=True)
    assert (report.added, report.applied) == (3, False)
    assert entries() == {}


def test_xml_import_and_its_hardened_parser(admin, peer):
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<agencies>\n'
        '  <agency code="000.00.00.H29" name="UBND TP Hồ Chí Minh" peer="tinh-b"/>\n'
        '  <agency code="000.00.00.H26" name="UBND Thành phố Hà Nội" note="Thủ đô"/>\n</agencies>'
    )
    report = import_directory(admin, xml.encode(), "danh-ba.xml")
    assert report.added == 2 and entries()["000.00.00.H29"].peer_id == peer.id
    bad = '<agencies>\n<agency code="bad" name="x"/>\n<other/>\n</agencies>'
    with pytest.raises(ValidationError) as err:
        import_directory(admin, bad.encode(), "x.xml")
    assert err.value.details["line_2"].startswith("Dòng 2: Mã định danh")
    assert "Dòng 3" in list(err.value.details.values())[-1]
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        '<agencies><agency code="000.00.00.G01" name="&b;"/></agencies>'
    )
    with pytest.raises(ValidationError):
        import_directory(admin, bomb.encode(), "bomb.xml")


def test_not_utf8_and_missing_columns_are_refused(admin):
    with pytest.raises(ValidationError) as err:
        import_directory(admin, "ma_dinh_danh,ten_co_quan\nH26,Hà Nam\n".encode("latin-1"), "a.csv")
    assert "UTF-8" in err.value.message
    with pytest.raises(ValidationError) as err:
        import_directory(admin, b"code,name\nH26,x\n", "a.csv")
    assert "ten_co_quan" in err.value.message


def test_the_demo_directory_is_loaded_once_with_its_merges(db_session):
    from app.demo import DEMO_DIRECTORY, _demo_directory

    _demo_directory()
    _demo_directory()  # idempotent, as the demo loader is
    assert len(entries()) == len(DEMO_DIRECTORY)
    assert directory.resolve("000.00.00.H09").name == "UBND Thành phố Hồ Chí Minh"
    assert directory.resolve("000.00.00.G14").code == "000.00.00.G06"


def test_a_level_one_code_and_its_qcvn_spelling_are_one_agency(admin, create_agency):
    """QCVN 102:2016 `000.00.00.G12` (levels 2–4 unused) is the QĐ 20/2020 level-1 code `G12` (legal.md §4.1)."""
    entry = directory.add_entry(admin, code="G12", name="Bộ Tài chính")
    with pytest.raises(Conflict) as err:
        directory.add_entry(admin, code="000.00.00.G12", name="Bộ Tài chính")
    assert err.value.code == "directory_code_taken" and "G12" in err.value.message
    assert directory.resolve("000.00.00.g12").entry_id == entry.id
    local = create_agency(code="000.00.00.H33", name="UBND tỉnh thử")
    with pytest.raises(ValidationError) as err:
        directory.add_entry(admin, code="H33", name="UBND tỉnh thử")
    assert "000.00.00.H33" in err.value.message and "đã là cơ quan trong hệ thống" in err.value.message
    assert directory.resolve("H33").agency_id == local.id
    # Lower levels are ordered differently in the two forms: no mapping, both stay separate codes.
    directory.add_entry(admin, code="000.00.01.G12", name="Một đơn vị")
    directory.add_entry(admin, code="G12.01", name="Đơn vị khác")


def test_import_refuses_the_other_spelling_of_a_known_code(admin, create_agency):
    create_agency(code="000.00.00.H33", name="UBND tỉnh thử")
    directory.add_entry(admin, code="000.00.00.G12", name="Bộ Tài chính")
    data = "ma_dinh_danh,ten_co_quan\nG12,Bộ Tài chính\nH33,UBND\nG09,Bộ Nội vụ\n000.00.00.G09,Bộ Nội vụ\n".encode()
    with pytest.raises(ValidationError) as err:
        import_directory(admin, data, "a.csv")
    details = err.value.details
    assert "cách viết khác của 000.00.00.G12" in details["line_2"]
    assert "đã là cơ quan trong hệ thống" in details["line_3"]
    assert details["line_5"] == "Dòng 5: Mã định danh 000.00.00.G09 là cách viết khác của mã ở dòng 4."
    assert set(details) == {"line_2", "line_3", "line_5"}


def test_no_file_is_not_an_empty_file(admin):
    with pytest.raises(ValidationError) as err:
        import_directory(admin, None)
    assert err.value.message == "Chưa chọn tệp."

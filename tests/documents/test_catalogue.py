"""The document types catalogue and the registers of an agency."""

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import PermissionDenied, ValidationError
from app.documents import queries, services
from app.documents.models import Register, RegisterKind, TypeCategory

PHU_LUC_III = [
    ("NQ", "NQ"), ("QD", "QĐ"), ("CT", "CT"), ("QC", "QC"), ("QYD", "QyĐ"), ("TC", "TC"), ("TB", "TB"),
    ("HD", "HD"), ("CTR", "CTr"), ("KH", "KH"), ("PA", "PA"), ("DEAN", "ĐA"), ("DA", "DA"), ("BC", "BC"),
    ("BB", "BB"), ("TTR", "TTr"), ("HOPDONG", "HĐ"), ("CD", "CĐ"), ("BGN", "BGN"), ("BTT", "BTT"), ("GUQ", "GUQ"),
    ("GM", "GM"), ("GGT", "GGT"), ("GNP", "GNP"), ("PG", "PG"), ("PC", "PC"), ("PB", "PB"),
]  # fmt: skip


def test_every_install_has_the_phu_luc_iii_catalogue(db_session):
    types = {t.code: t for t in queries.list_document_types(None)}
    administrative = [(c, a) for c, a in PHU_LUC_III if types[c].category == TypeCategory.ADMINISTRATIVE]
    assert administrative == PHU_LUC_III
    assert [(types[c].name, types[c].abbreviation) for c in ("SY", "TRS", "SL")] == [
        ("Bản sao y", "SY"),
        ("Bản trích sao", "TrS"),
        ("Bản sao lục", "SL"),
    ]
    assert all(types[c].category == TypeCategory.COPY for c in ("SY", "TRS", "SL"))
    assert types["CV"].name == "Công văn" and types["CV"].abbreviation is None
    assert {c for c, t in types.items() if t.is_normative} >= {"LUAT", "ND", "TT", "TTLT", "NQ_QPPL", "QD_QPPL"}
    assert types["ND"].abbreviation == "NĐ" and all(t.is_global for t in types.values())


def test_admin_adds_an_agency_type_that_other_agencies_do_not_see(admin, create_agency):
    own = services.create_document_type(
        admin, agency_id=admin.agency_id, code="qdkt", name=" Quyết định khen thưởng ", abbreviation="QĐKT"
    )
    assert (own.code, own.name, own.name_folded) == ("QDKT", "Quyết định khen thưởng", "quyet dinh khen thuong")
    assert own in queries.list_document_types(admin.agency_id)
    assert own not in queries.list_document_types(create_agency().id)
    assert queries.find_document_type(admin.agency_id, "qdkt") is own
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "document_type.create"))
    assert event.actor_id == admin.id and "Quyết định khen thưởng" in event.summary


def test_agency_types_are_validated(admin, create_user):
    with pytest.raises(ValidationError) as refused:
        services.create_document_type(admin, agency_id=admin.agency_id, code="QD", name="", abbreviation="Q Đ")
    assert set(refused.value.details) == {"code", "name", "abbreviation"}
    assert "danh mục dùng chung" in refused.value.details["code"]
    with pytest.raises(PermissionDenied):
        services.create_document_type(admin, agency_id=None, code="XX", name="Loại chung")
    clerk = create_user(roles=("van_thu",), agency=admin.agency)
    with pytest.raises(PermissionDenied):
        services.create_document_type(clerk, agency_id=admin.agency_id, code="XX", name="Loại riêng")
    global_type = queries.find_document_type(None, "QD")
    with pytest.raises(PermissionDenied):
        services.update_document_type(admin, global_type.id, name="Đổi tên")


def test_the_default_register_is_created_once_on_first_use(create_agency):
    agency = create_agency()
    assert queries.list_registers(agency.id) == []
    register = services.default_register(agency.id, "incoming")
    assert (register.kind, register.code, register.name, register.is_default) == (
        "incoming",
        "DEN",
        "Sổ văn bản đến",
        True,
    )
    assert services.default_register(agency.id, RegisterKind.INCOMING) is register
    outgoing = services.default_register(agency.id, RegisterKind.OUTGOING)
    assert (outgoing.code, outgoing.name) == ("DI", "Sổ văn bản đi")
    assert queries.list_registers(agency.id) == [register, outgoing]
    created = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "register.create")).all()
    assert [e.actor_id for e in created] == [None, None]


def test_the_default_register_avoids_a_code_already_used(admin):
    services.create_register(None, agency_id=admin.agency_id, kind="incoming", code="DEN", name="Sổ đơn thư")
    assert services.default_register(admin.agency_id, "incoming").code == "DEN-2"


def test_outgoing_registers_split_the_types_and_each_type_has_one(admin):
    agency_id = admin.agency_id
    decisions = services.create_register(
        admin, agency_id=agency_id, kind="outgoing", code="di-qd", name="Sổ quyết định", document_type_codes=["qd"]
    )
    copies = services.create_register(
        admin, agency_id=agency_id, kind="outgoing", code="SAO", name="Sổ bản sao", document_type_codes="SY,TRS,SL"
    )
    assert (decisions.code, decisions.document_type_codes, copies.document_type_codes) == (
        "DI-QD",
        ["QD"],
        ["SL", "SY", "TRS"],
    )
    assert services.register_for_type(agency_id, "outgoing", "QD") is decisions
    assert services.register_for_type(agency_id, "outgoing", "TRS") is copies
    general = services.register_for_type(agency_id, "outgoing", "CV")
    assert general.is_default and general.code == "DI"
    # NĐ 30/2020 Điều 15.1: one type in two registers would give two "05/QĐ-UBND" in a year.
    with pytest.raises(ValidationError) as overlap:
        services.create_register(
            admin, agency_id=agency_id, kind="outgoing", code="DI-2", name="Sổ khác", document_type_codes=["QD", "TB"]
        )
    assert "Sổ quyết định" in overlap.value.details["document_type_codes"]
    # Incoming registers are a separate world; unknown types and taken codes are refused.
    services.create_register(
        admin, agency_id=agency_id, kind="incoming", code="DEN-QD", name="Sổ đến QĐ", document_type_codes=["QD"]
    )
    with pytest.raises(ValidationError) as bad:
        services.create_register(
            admin, agency_id=agency_id, kind="sideways", code="SAO", name="", document_type_codes=["NOPE"]
        )
    assert set(bad.value.details) == {"kind", "code", "name", "document_type_codes"}


def test_the_default_moves_but_never_disappears(admin):
    first = services.default_register(admin.agency_id, "outgoing")
    second = services.create_register(admin, agency_id=admin.agency_id, kind="outgoing", code="DI-B", name="Sổ B")
    with pytest.raises(ValidationError) as refused:
        services.update_register(admin, first.id, is_default=False)
    assert "is_default" in refused.value.details
    with pytest.raises(ValidationError) as inactive:
        services.update_register(admin, first.id, is_active=False)
    assert "is_active" in inactive.value.details
    services.update_register(admin, second.id, is_default=True)
    assert (first.is_default, second.is_default) == (False, True)
    assert services.default_register(admin.agency_id, "outgoing") is second
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Register).where(Register.is_default)) == 1


def test_only_administrators_of_the_agency_manage_registers(admin, create_user, create_agency):
    clerk = create_user(roles=("van_thu",), agency=admin.agency)
    with pytest.raises(PermissionDenied):
        services.create_register(clerk, agency_id=admin.agency_id, kind="incoming", code="X", name="Sổ X")
    other = create_agency()
    with pytest.raises(PermissionDenied):
        services.create_register(admin, agency_id=other.id, kind="incoming", code="X", name="Sổ X")
    register = services.default_register(other.id, "incoming")
    with pytest.raises(PermissionDenied):
        services.update_register(admin, register.id, name="Đổi tên")

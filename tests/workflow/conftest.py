"""Workflow fixtures: deploy the BPMN files of tests/workflow/data with their forms; a small organisation."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from app.org import services as org
from app.workflow.definitions import deploy, referenced_forms
from app.workflow.forms import load_form_file

DATA = Path(__file__).parent / "data"


def bpmn_text(name: str) -> str:
    return (DATA / f"{name}.bpmn").read_text(encoding="utf-8")


def forms_for(xml: str) -> dict:
    return referenced_forms(xml, lambda key: load_form_file(key, DATA / "forms"))


@pytest.fixture
def deploy_process(db_session):
    """`deploy_process("doc_review")` deploys tests/workflow/data/doc_review.bpmn as a global version."""

    def factory(name: str, *, xml: str | None = None, agency_id=None, actor=None):
        xml = xml or bpmn_text(name)
        [version] = deploy(actor, xml, f"{name}.bpmn", agency_id=agency_id, forms=forms_for(xml))
        return version

    return factory


@pytest.fixture
def office(create_agency, create_user):
    """One agency with two units and a person for each lane the test processes use."""
    agency = create_agency(code="000.00.00.H33", name="Ủy ban nhân dân tỉnh Kiên Giang", abbreviation="UBND")
    unit_a = org.create_unit(None, agency_id=agency.id, name="Phòng Tổng hợp", abbreviation="TH")
    unit_b = org.create_unit(None, agency_id=agency.id, name="Phòng Kinh tế", abbreviation="KT")
    make = create_user
    return SimpleNamespace(
        agency=agency,
        unit_a=unit_a,
        unit_b=unit_b,
        clerk=make(roles=("van_thu",), agency=agency, username="vanthu", full_name="Nguyễn Thị Thu Hà"),
        leader=make(roles=("lanh_dao",), agency=agency, username="lanhdao", full_name="Trần Văn Minh"),
        unit_leader=make(
            roles=("lanh_dao_don_vi",),
            agency=agency,
            unit_id=unit_a.id,
            username="truongphong",
            full_name="Phạm Thị Lan",
        ),
        spec_a1=make(
            roles=("chuyen_vien",), agency=agency, unit_id=unit_a.id, username="cv.a1", full_name="Võ Quốc Bảo"
        ),
        spec_a2=make(
            roles=("chuyen_vien",), agency=agency, unit_id=unit_a.id, username="cv.a2", full_name="Đặng Ngọc Ánh"
        ),
        spec_b=make(
            roles=("chuyen_vien",), agency=agency, unit_id=unit_b.id, username="cv.b", full_name="Lý Thị Mỹ Duyên"
        ),
        admin=make(roles=("quan_tri", "thiet_ke"), agency=agency, username="quantri", full_name="Bùi Thanh Tùng"),
    )


def open_tasks(instance) -> list:
    from app.core.db import db
    from app.workflow.models import HumanTask

    db.session.expire_all()
    return [
        t for t in db.session.query(HumanTask).filter_by(instance_id=instance.id).order_by(HumanTask.id) if t.is_open
    ]

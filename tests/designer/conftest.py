"""Designer fixtures: an agency with a designer, a leader and a clerk, and the shipped processes deployed."""

from types import SimpleNamespace

import pytest

from app.workflow.definitions import sync_processes


@pytest.fixture
def shipped_processes(db_session):
    """processes/*.bpmn deployed as the global versions, as `make run` does."""
    return {version.process_id: version for version in sync_processes()}


@pytest.fixture
def design_office(create_agency, create_user, shipped_processes, frozen_clock):
    """One agency with its designer (thiet_ke), a leader, a clerk and an administrator; the clock frozen."""
    agency = create_agency(code="000.00.31.H33", name="Sở Nội vụ tỉnh Kiên Giang", abbreviation="SNV")
    return SimpleNamespace(
        agency=agency,
        processes=shipped_processes,
        clock=frozen_clock,
        designer=create_user(roles=("thiet_ke",), agency=agency, username="thietke", full_name="Lê Hoàng Phúc"),
        leader=create_user(roles=("lanh_dao",), agency=agency, username="lanhdao.snv", full_name="Trần Văn Minh"),
        clerk=create_user(roles=("van_thu",), agency=agency, username="vanthu.snv", full_name="Nguyễn Thị Thu Hà"),
        admin=create_user(roles=("quan_tri",), agency=agency, username="quantri.snv", full_name="Bùi Thanh Tùng"),
    )

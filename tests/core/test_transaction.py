import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.transaction import after_commit, transactional, unit_of_work
from app.org import services
from app.org.models import Agency


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_unit_of_work_rolls_back_everything_on_exception(db_session):
    with pytest.raises(RuntimeError), unit_of_work():
        services.create_agency(None, code="000.00.00.H33", name="Ủy ban nhân dân tỉnh", abbreviation="UBND")
        assert count(Agency) == 1
        raise RuntimeError("boom")
    assert count(Agency) == 0
    assert count(AuditEvent) == 0


def test_unit_of_work_commits_on_success(db_session):
    with unit_of_work():
        services.create_agency(None, code="000.00.00.H33", name="Ủy ban nhân dân tỉnh", abbreviation="UBND")
    db.session.expire_all()
    assert count(Agency) == 1
    assert count(AuditEvent) == 1


def test_nested_unit_of_work_rolls_back_only_its_own_part(db_session):
    with unit_of_work():
        services.create_agency(None, code="000.00.00.H33", name="Tỉnh", abbreviation="UBND")
        with pytest.raises(RuntimeError), unit_of_work():
            services.create_agency(None, code="000.00.01.H33", name="Sở", abbreviation="SNV")
            raise RuntimeError("inner refusal")
    assert [a.code for a in db.session.scalars(sa.select(Agency))] == ["000.00.00.H33"]


def test_after_commit_runs_only_after_commit(db_session):
    ran = []
    with unit_of_work():
        after_commit(lambda: ran.append("sent"))
        assert ran == []
    assert ran == ["sent"]


def test_after_commit_is_dropped_on_rollback(db_session):
    ran = []
    with pytest.raises(ValueError), unit_of_work():
        after_commit(lambda: ran.append("sent"))
        raise ValueError
    assert ran == []


def test_after_commit_of_failed_savepoint_is_dropped_but_outer_kept(db_session):
    ran = []
    with unit_of_work():
        after_commit(lambda: ran.append("outer"))
        with pytest.raises(ValueError), unit_of_work():
            after_commit(lambda: ran.append("inner"))
            raise ValueError
    assert ran == ["outer"]


def test_after_commit_outside_unit_of_work_is_a_bug(db_session):
    with pytest.raises(RuntimeError):
        after_commit(lambda: None)


def test_transactional_decorator_rolls_back(db_session):
    @transactional
    def create_then_fail():
        services.create_agency(None, code="000.00.00.H33", name="Tỉnh", abbreviation="UBND")
        raise KeyError("x")

    with pytest.raises(KeyError):
        create_then_fail()
    assert count(Agency) == 0

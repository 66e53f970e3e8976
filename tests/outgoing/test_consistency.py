"""`qlvb check` (app.maintenance.check_consistency) on văn bản đi: a case taken through signing and issue is
consistent, and each rule names what a half-written step would leave (the crash test, tests/crash, relies on them).
"""

import sqlalchemy as sa
from flask import current_app

from app.core.db import db
from app.documents.models import RegisterCounter
from app.maintenance import check_consistency
from app.outgoing.models import OutgoingStatus, OutgoingVersion, VersionStage
from app.workflow.models import HumanTask, TaskState
from tests.outgoing.conftest import instance_of, issued_document, signed_draft


def check() -> list:
    """The rules' findings but the audit chain's: a test's transaction never commits, so its audit events are never
    sealed into the chain (app.audit.services seals at commit; tests/crash checks the chain of committed work)."""
    return [problem for problem in check_consistency() if problem.rule != "audit.chain"]


def rules(problems) -> set[str]:
    return {problem.rule for problem in problems}


def test_an_issued_and_a_signed_document_are_consistent(app, outgoing_office, draft_bytes, frozen_clock):
    issued_document(outgoing_office, draft_bytes)
    signed_draft(outgoing_office, draft_bytes, subject="Về việc thứ hai")
    assert check() == []


def test_a_document_marked_signed_without_its_signed_file_is_reported(outgoing_office, draft_bytes, frozen_clock):
    document = signed_draft(outgoing_office, draft_bytes)
    db.session.execute(
        sa.delete(OutgoingVersion).where(
            OutgoingVersion.document_id == document.id, OutgoingVersion.stage == VersionStage.SIGNED
        )
    )
    [problem] = check()
    assert (problem.rule, problem.subject) == ("outgoing.state", f"outgoing_document {document.id}")


def test_a_number_given_to_a_document_that_was_not_issued_is_reported(outgoing_office, draft_bytes, frozen_clock):
    document = issued_document(outgoing_office, draft_bytes)
    document.status, document.number = OutgoingStatus.SIGNED, None
    db.session.flush()
    assert {"outgoing.number", "outgoing.state", "outgoing.status"} >= rules(check()) >= {"outgoing.number"}


def test_a_counter_ahead_of_the_numbers_given_is_a_gap(outgoing_office, draft_bytes, frozen_clock):
    document = issued_document(outgoing_office, draft_bytes)
    db.session.execute(
        sa.update(RegisterCounter)
        .where(RegisterCounter.register_id == document.register_id)
        .values(last_number=RegisterCounter.last_number + 1)
    )
    assert rules(check()) == {"numbering.counter"}


def test_an_open_step_the_workflow_no_longer_has_is_reported(outgoing_office, draft_bytes, frozen_clock):
    document = signed_draft(outgoing_office, draft_bytes)
    db.session.execute(
        sa.update(HumanTask)
        .where(HumanTask.instance_id == instance_of(document).id, HumanTask.task_name == "approve_sign")
        .values(state=TaskState.READY, completed_at=None)
    )
    found = rules(check())
    assert found == {"workflow.tasks", "outgoing.status"}  # the row is stale, and signing cannot be open when signed


def test_a_missing_file_is_reported_and_fails_the_command(app, outgoing_office, draft_bytes, frozen_clock):
    document = issued_document(outgoing_office, draft_bytes)
    issued = next(v for v in document.versions if v.stage == VersionStage.ISSUED)
    current_app.extensions["qlvb.blobs"].path_for(issued.sha256).unlink()
    assert rules(check()) == {"blobs.missing"}
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1 and "blobs.missing" in result.output

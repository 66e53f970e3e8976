"""The dossier's case (processes/dossier.bpmn): its steps follow the dossier's life, so inboxes show who holds it.

NĐ 30/2020 Điều 29–30, seed 000 Điều 19.2.b: the person who opens a dossier builds it ("Lập hồ sơ") until they close
it, then submits it to the Lưu trữ cơ quan ("Nộp lưu hồ sơ", due on the dossier's `transfer_due_on`), whose
archivist checks and receives it ("Kiểm tra, tiếp nhận hồ sơ nộp lưu") or returns it.

The real work happens on the dossier's page (/dossiers/<id>) through the domain services (closing, transfer), which
change the status only with `states.move`. Its `dossier_moved` signal completes the case's matching open step here,
as the actor, with the action as the outcome, in the same unit of work. The task forms are informational (a link
to the dossier); their buttons are refused by the `dossier_step` form action unless the dossier has already made
the move, so a step can never complete without the dossier moving, and never twice.
"""

import logging
from contextvars import ContextVar

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import Conflict, NotFound
from app.dossiers.models import Dossier
from app.dossiers.states import DOSSIER_STATUS_LABELS, MOVES, DossierStatus, dossier_moved
from app.workflow.models import HumanTask, InstanceStatus, TaskState, WorkflowInstance
from app.workflow.registry import EngineExtension

log = logging.getLogger(__name__)

PROCESS_ID = "dossier"
OBJECT_TYPE = "dossier"

engine = EngineExtension()  # declared in app.dossiers.MODULE
engine.bind_process(PROCESS_ID, OBJECT_TYPE)  # started only by start_case, with its dossier

# The dossier's move → the step of processes/dossier.bpmn it completes (the outcome is the action itself).
STEP_OF_ACTION = {
    "close": "collect",
    "reopen": "submit",
    "submit": "submit",
    "accept": "archive_check",
    "return": "archive_check",
}
STEP_LABELS = {
    "collect": "Kết thúc hồ sơ",
    "submit": "Nộp lưu hoặc mở lại hồ sơ",
    "archive_check": "Tiếp nhận hoặc trả lại hồ sơ",
}

# Set while this module completes a step: a move announced from inside that completion (a form action calling a
# domain service) must not complete the step a second time.
_completing: ContextVar[bool] = ContextVar("qlvb_dossier_case_completing", default=False)


def case_of(dossier: Dossier) -> WorkflowInstance | None:
    return db.session.scalar(
        sa.select(WorkflowInstance).where(
            WorkflowInstance.object_type == OBJECT_TYPE, WorkflowInstance.object_id == str(dossier.id)
        )
    )


def case_data(dossier: Dossier) -> dict:
    """What the case's steps read: the creator (assignee of "Lập hồ sơ", "Nộp lưu hồ sơ") and the deadline."""
    return {
        "dossier_id": dossier.id,
        "creator_id": dossier.creator_id,
        "file_code": dossier.file_code,
        "transfer_due_on": dossier.transfer_due_on.isoformat() if dossier.transfer_due_on else None,
    }


def start_case(actor, dossier: Dossier) -> WorkflowInstance | None:
    """Start the dossier's case when it is opened (called by the opening service, in its unit of work).

    Safe to call: a dossier that already has a case keeps it; a deployment without processes/dossier.bpmn (never
    synced) opens dossiers without a case (logged); a dossier that is no longer open gets none.
    """
    from app.workflow import services as workflow

    existing = case_of(dossier)
    if existing is not None:
        return existing
    if dossier.status != DossierStatus.OPEN:
        return None
    try:
        return workflow.start_process(
            actor,  # the dossier service checked who may open it; the start event has no lane
            PROCESS_ID,
            agency_id=dossier.agency_id,
            data=case_data(dossier),
            object_type=OBJECT_TYPE,
            object_id=str(dossier.id),
            title=f"Hồ sơ {dossier.file_code}: {dossier.title}",
        )
    except NotFound as exc:
        if getattr(exc, "code", None) != "process_not_found":
            raise
        log.warning("dossier %s opened without a case: %s", dossier.id, exc)
        return None


def open_step(dossier: Dossier, task_name: str) -> HumanTask | None:
    return db.session.scalar(
        sa.select(HumanTask)
        .join(WorkflowInstance, WorkflowInstance.id == HumanTask.instance_id)
        .where(
            HumanTask.object_type == OBJECT_TYPE,
            HumanTask.object_id == str(dossier.id),
            HumanTask.task_name == task_name,
            HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED]),
            WorkflowInstance.status.in_([InstanceStatus.RUNNING, InstanceStatus.WAITING]),
        )
        .order_by(HumanTask.id.desc())
        .limit(1)
    )


def follow_move(dossier: Dossier, action: str = "", actor=None, **_extra) -> None:
    """`dossier_moved` receiver: complete the case's open step the move stands for (none: nothing to do — a
    dossier made without a case, or a step already completed)."""
    task_name = STEP_OF_ACTION.get(action)
    if task_name is None or _completing.get():
        return
    task = open_step(dossier, task_name)
    if task is None:
        return
    from app.workflow import services as workflow

    token = _completing.set(True)
    try:
        workflow.complete_for_action(actor, task.id, outcome=action)
    finally:
        _completing.reset(token)


@engine.form_action("dossier_step")
def dossier_step(actor, task, data: dict, outcome: str | None) -> dict:
    """The dossier's steps complete only when the dossier moved: a button of the task page is refused (the work is
    done on the dossier's page), the completion `follow_move` makes passes. Gives the next step its deadline."""
    dossier = db.session.get(Dossier, int(task.object_id))
    if dossier is None or dossier.agency_id != task.agency_id:
        raise Conflict("Không tìm thấy hồ sơ của công việc.", code="dossier_not_found")
    target = MOVES[outcome][1] if outcome in MOVES else None
    if not _completing.get() or dossier.status != target:
        raise Conflict(
            f"Thực hiện “{STEP_LABELS.get(task.task_name, task.title)}” trên trang hồ sơ {dossier.file_code} "
            f"(/dossiers/{dossier.id}); công việc tự hoàn thành theo hồ sơ "
            f"(hồ sơ đang ở trạng thái “{DOSSIER_STATUS_LABELS[dossier.status]}”).",
            code="dossier_step_on_dossier_page",
        )
    return {"transfer_due_on": dossier.transfer_due_on.isoformat() if dossier.transfer_due_on else None}


def task_summary(task: HumanTask):
    """The dossier's card on a task page of processes/dossier.bpmn: where the work is done."""
    dossier = db.session.get(Dossier, int(task.object_id))
    if dossier is None or dossier.agency_id != task.agency_id:
        return None
    return "dossiers/_case_summary.html", {
        "dossier": dossier,
        "status_label": DOSSIER_STATUS_LABELS[dossier.status],
        "step_label": STEP_LABELS.get(task.task_name),
    }


RECEIVERS = [(dossier_moved, follow_move)]

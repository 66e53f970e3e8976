"""The outgoing document's card on a task page of processes/outgoing.bpmn (declared in app.outgoing's MODULE)."""

from flask_login import current_user

from app.core.db import db
from app.documents.models import URGENCY_LABELS
from app.outgoing import layout, permissions, services
from app.outgoing.models import (
    RELATION_LABELS,
    REVIEW_LABELS,
    STAGE_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
    OutgoingDocument,
)
from app.workflow.assignment import OPEN_STATES
from app.workflow.models import HumanTask


def task_summary(task: HumanTask):
    """The outgoing document's card on a task page of processes/outgoing.bpmn."""
    doc = db.session.get(OutgoingDocument, int(task.object_id))
    if doc is None or doc.agency_id != task.agency_id:
        return None
    issuing = task.task_name == "issue_document" and task.state in OPEN_STATES
    return "outgoing/_summary.html", {
        "doc": doc,
        "layout": layout.of_document(doc) if issuing else services.draft_layout(doc),
        "issuing": issuing,
        "can_revise": permissions.reviewer_step(current_user, doc) is not None,  # Phụ lục VI III.1.n
        "relation_labels": RELATION_LABELS,
        "status_labels": STATUS_LABELS,
        "status_badges": STATUS_BADGES,
        "urgency_labels": URGENCY_LABELS,
        "stage_labels": STAGE_LABELS,
        "review_labels": REVIEW_LABELS,
    }

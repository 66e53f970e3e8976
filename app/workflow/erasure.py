"""Erase the case of a business object that was destroyed (a recalled văn bản đến: NĐ 30 Phụ lục VI III.8.b).

A cancelled case still holds its object's content: the case title, each task's object title, the comments and
form values people submitted, the serialized state, the files forms attached. When the object itself must be
destroyed, its case goes with it: rows deleted, not blanked, in the caller's transaction. The audit chain keeps
the record of what was done (append-only, app.audit); the caller records its own event.
"""

import sqlalchemy as sa

from app.core.db import db
from app.workflow import queries
from app.workflow.models import CaseFile, HumanTask
from app.workflow.runtime import lock_instance


def erase_case(object_type: str, object_id) -> list[str]:
    """Delete the object's case, its tasks (open or done) and its case files; the digests of those files.

    The instance row is locked first, the order a task completion takes its locks in, so a person completing a
    step at this moment either finishes before (and is erased) or finds the case gone.
    """
    found = queries.instance_for(object_type, object_id)
    if found is None:
        return []
    instance = lock_instance(found.id)
    digests = list(db.session.scalars(sa.select(CaseFile.sha256).where(CaseFile.instance_id == instance.id)))
    db.session.execute(sa.delete(CaseFile).where(CaseFile.instance_id == instance.id))
    db.session.execute(sa.delete(HumanTask).where(HumanTask.instance_id == instance.id))
    db.session.delete(instance)
    db.session.flush()
    return digests


def lock_case(object_type: str, object_id) -> None:
    """Lock the object's case, if it has one, before its object: the order a task completion takes its locks in."""
    found = queries.instance_for(object_type, object_id)
    if found is not None:
        lock_instance(found.id)

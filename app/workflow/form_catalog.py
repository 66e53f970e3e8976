"""Where a task's form comes from: the designer's given forms, then the agency's own (AgencyForm), then forms/.

An agency's form overrides the global file of the same key (`process_id/task_id`) when that agency deploys; the
version deployed keeps its own copy (ProcessVersion.forms), so an edit here never changes a deployed version.
"""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from app.core.db import db
from app.workflow.forms import FORMS_DIR, load_form_file
from app.workflow.models import AgencyForm


@dataclass(frozen=True)
class FormEntry:
    key: str  # process_id/task_id
    title: str
    scope: str  # "agency": the agency's own form; "global": forms/<key>.json


def agency_form(agency_id: int, key: str) -> AgencyForm | None:
    return db.session.scalar(sa.select(AgencyForm).where(AgencyForm.agency_id == agency_id, AgencyForm.key == key))


def form_lookup(agency_id: int | None, given: dict[str, dict] | None = None) -> Callable[[str], dict | None]:
    """key → definition, the first found of: `given` (sent with a deploy), the agency's form, forms/<key>.json."""
    given = given or {}
    own: dict[str, dict] = {}
    if agency_id is not None:
        rows = db.session.execute(
            sa.select(AgencyForm.key, AgencyForm.definition).where(AgencyForm.agency_id == agency_id)
        )
        own = dict(rows.all())

    def lookup(key: str) -> dict | None:
        return given.get(key) or own.get(key) or load_form_file(key)

    return lookup


def available_forms(agency_id: int | None) -> list[FormEntry]:
    """Every form a designer of the agency may attach to a task, the agency's own replacing the global ones."""
    entries: dict[str, FormEntry] = {}
    for path in sorted(FORMS_DIR.glob("*/*.json")):
        key = f"{path.parent.name}/{path.stem}"
        entries[key] = FormEntry(key, (load_form_file(key) or {}).get("title") or path.stem, "global")
    if agency_id is not None:
        for row in db.session.scalars(sa.select(AgencyForm).where(AgencyForm.agency_id == agency_id)):
            entries[row.key] = FormEntry(row.key, row.definition.get("title") or row.key, "agency")
    return sorted(entries.values(), key=lambda e: e.key)

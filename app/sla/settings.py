"""Use cases for an agency's deadline settings (thiết lập thời hạn xử lý), and the deadline of a workflow step.

The rules themselves (levels, rule names, defaults, checks, arithmetic) are in app.sla.rules. Changing settings
is for the agency's administrators (or those of an agency above it), like its working calendar; the engine reads
them when it creates a task, so a change applies to the next step of every case without redeploying a process.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import NotFound, ValidationError
from app.org.models import Agency, User
from app.org.permissions import require_admin_of
from app.sla import calendar as sla_calendar
from app.sla import rules
from app.sla.models import SlaSettings

SESSION_KEY = "qlvb.sla.settings"


def find_settings(agency_id: int) -> SlaSettings | None:
    return db.session.scalar(sa.select(SlaSettings).where(SlaSettings.agency_id == agency_id))


def effective_settings(agency_id: int) -> dict:
    """What an agency works with, as JSON for pages and the API: its own values or the defaults."""
    row = find_settings(agency_id)
    urgency, _ = rules.clean_urgency(row.urgency if row else None)
    values, _ = rules.clean_rules(row.rules if row else None)
    parsed = rules.parse_settings(urgency, values)
    return {
        "agency_id": agency_id,
        "is_default": row is None,
        "urgency": {
            level: {**urgency[level], "duration": parsed.urgency[level].duration.normalized}
            for level in rules.URGENT_LEVELS
        },
        "rules": {name: parsed.rules[name].normalized for name in rules.RULES},
        "version": row.version if row else 0,
        "updated_at": row.updated_at if row else None,
    }


def settings_for(agency_id: int | None) -> rules.Settings:
    """The parsed settings the engine computes with (the defaults for an agency without its own).

    Kept for the rest of the transaction (one engine step creating many tasks reads them once); a change in
    this transaction drops the kept copy, another transaction's change is seen by the next one.
    """
    if agency_id is None:
        return rules.DEFAULT_SETTINGS
    return settings_for_many([agency_id])[agency_id]


def settings_for_many(agency_ids) -> dict[int, rules.Settings]:
    """`settings_for` of many agencies, those not kept yet read in one query (a scan batch over a province)."""
    kept = db.session.info.setdefault(SESSION_KEY, {})
    missing = [agency_id for agency_id in dict.fromkeys(agency_ids) if agency_id not in kept]
    if missing:
        rows = db.session.execute(
            sa.select(SlaSettings.agency_id, SlaSettings.urgency, SlaSettings.rules).where(
                SlaSettings.agency_id.in_(missing)
            )
        )
        own = {row.agency_id: rules.parse_settings(row.urgency, row.rules) for row in rows}
        for agency_id in missing:
            kept[agency_id] = own.get(agency_id, rules.DEFAULT_SETTINGS)
    return {agency_id: kept[agency_id] for agency_id in agency_ids}


def _forget(agency_id: int) -> None:
    db.session.info.get(SESSION_KEY, {}).pop(agency_id, None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    session.info.pop(SESSION_KEY, None)


def resolve_rule(text: str, agency_id: int | None):
    """A spec typed by a person (tester, API): a rule name (`intake`) is the agency's value, anything else parsed."""
    name = rules.rule_name(text)
    if name in rules.RULES:
        return settings_for(agency_id).rules[name]
    return sla_calendar.parse_spec(text)


def _require(actor: User | None, agency_id: int) -> None:
    require_admin_of(actor, agency_id)
    if db.session.get(Agency, agency_id) is None:
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")


def update_settings(
    actor: User | None, agency_id: int, *, urgency: dict | None = None, rules_values: dict | None = None
) -> dict:
    """Set an agency's deadline settings; levels and rules not given keep their current values."""
    _require(actor, agency_id)
    current = effective_settings(agency_id)
    merged = dict(current["urgency"])
    for level, value in (urgency or {}).items():
        merged[level] = {**merged.get(level, {}), **value} if isinstance(value, dict) else value
    clean_urgency, problems = rules.clean_urgency(merged)
    clean_rules, rule_problems = rules.clean_rules({**current["rules"], **(rules_values or {})})
    problems |= rule_problems
    if problems:
        raise ValidationError(
            "Thiết lập thời hạn xử lý chưa hợp lệ, vui lòng kiểm tra lại.",
            code="invalid_sla_settings",
            details=problems,
        )
    row = db.session.scalar(sa.select(SlaSettings).where(SlaSettings.agency_id == agency_id).with_for_update())
    before = {"urgency": current["urgency"], "rules": current["rules"]}
    after = {"urgency": clean_urgency, "rules": clean_rules}
    if row is not None and before == after:
        return current
    if row is None:
        row = SlaSettings(agency_id=agency_id, version=0)
        db.session.add(row)
    row.urgency, row.rules = clean_urgency, clean_rules
    row.version = (row.version or 0) + 1
    row.updated_at = clock.now()
    row.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    _forget(agency_id)
    agency = db.session.get(Agency, agency_id)
    audit.record(
        actor,
        "sla.update_settings",
        row,
        agency_id=agency_id,
        summary=f"Sửa thiết lập thời hạn xử lý của {agency.name}",
        changes={key: [before[key], after[key]] for key in before if before[key] != after[key]},
    )
    return effective_settings(agency_id)


def reset_settings(actor: User | None, agency_id: int) -> dict:
    """Drop an agency's own settings: it works the deployment defaults again."""
    _require(actor, agency_id)
    row = find_settings(agency_id)
    if row is not None:
        agency = db.session.get(Agency, agency_id)
        audit.record(
            actor,
            "sla.reset_settings",
            row,
            agency_id=agency_id,
            summary=f"Đưa thiết lập thời hạn xử lý của {agency.name} về mặc định",
            changes={"urgency": [row.urgency, None], "rules": [row.rules, None]},
        )
        db.session.delete(row)
        db.session.flush()
        _forget(agency_id)
    return effective_settings(agency_id)


def step_due(
    start: datetime, *, sla: str | None, urgent_sla: str | None, agency_id: int | None, level: str | None
) -> datetime | None:
    """The deadline of a workflow step starting at `start` (the engine's one entry point; see rules.step_due).

    `level`: the case's urgency level (hoa_toc, thuong_khan, khan) or None for an ordinary case.
    """
    working = sla_calendar.calendar_for(agency_id)
    return rules.step_due(
        working.due, start, sla=sla, urgent_sla=urgent_sla, level=level, settings=lambda: settings_for(agency_id)
    )


def preview(agency_id: int, start: datetime | None = None) -> list[dict]:
    """When the intake step of a document arriving at `start` (now) would be due, per urgency level.

    The page says "a Hỏa tốc document arriving now would be due at …": the BPMN default step `check_document`
    (`sla: intake`, `urgent_sla: urgent`) computed with the agency's current settings.
    """
    start = start or clock.now()
    lines = []
    for level in (*rules.URGENT_LEVELS, None):
        due = step_due(start, sla="intake", urgent_sla=rules.URGENT_RULE, agency_id=agency_id, level=level)
        lines.append({"level": level or "thuong", "label": rules.LEVEL_LABELS.get(level, "Thường"), "due": due})
    return lines

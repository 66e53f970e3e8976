"""An agency's escalation policy: the defaults, the checks of what an administrator sends, reading and changing it.

Three values (issue 11): the share of a task's working-time SLA after which its holder is reminded (75 %), the
working-time grace after the deadline before the leader is told (`next-working-day`, an SLA spec of app.sla.spec),
and the role told then when the BPMN task names none (`lanh_dao`, the agency's leaders).
"""

from dataclasses import dataclass

import sqlalchemy as sa

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import NotFound, ValidationError
from app.escalation.models import EscalationPolicy
from app.org.models import ROLE_LABELS, Agency, Role, User
from app.org.permissions import require_admin_of
from app.sla.spec import SlaSpec, parse_spec, spec_problem

# Who may be the default recipient of an escalation: those who direct work (a BPMN task may name any role).
ESCALATION_ROLES = (Role.AGENCY_LEADER.value, Role.UNIT_LEADER.value)
MIN_PERCENT, MAX_PERCENT = 1, 99


@dataclass(frozen=True)
class Policy:
    reminder_percent: int = 75
    grace: str = "next-working-day"
    escalate_to: str = Role.AGENCY_LEADER.value

    @property
    def grace_spec(self) -> SlaSpec:
        return parse_spec(self.grace)


DEFAULTS = Policy()


def clean(raw: dict) -> tuple[Policy, dict[str, str]]:
    """The policy to store from `raw` (missing keys keep the defaults), and problems keyed by field."""
    problems: dict[str, str] = {}
    percent = raw.get("reminder_percent", DEFAULTS.reminder_percent)
    if isinstance(percent, str) and percent.strip().isdigit():
        percent = int(percent.strip())
    if isinstance(percent, bool) or not isinstance(percent, int) or not MIN_PERCENT <= percent <= MAX_PERCENT:
        problems["reminder_percent"] = f"Nhập một số nguyên từ {MIN_PERCENT} đến {MAX_PERCENT} (phần trăm thời hạn)."
        percent = DEFAULTS.reminder_percent
    grace = raw.get("grace", DEFAULTS.grace)
    problem = spec_problem(grace) if isinstance(grace, str) else "Nhập thời gian gia hạn, ví dụ next-working-day."
    if problem:
        problems["grace"] = problem
        grace = DEFAULTS.grace
    else:
        grace = parse_spec(grace).normalized
    role = raw.get("escalate_to", DEFAULTS.escalate_to)
    if role not in ESCALATION_ROLES:
        labels = ", ".join(f"{r} ({ROLE_LABELS[Role(r)]})" for r in ESCALATION_ROLES)
        problems["escalate_to"] = f"Chọn vai trò được báo cáo: {labels}."
        role = DEFAULTS.escalate_to
    return Policy(percent, grace, role), problems


def _row(agency_id: int, *, lock: bool = False) -> EscalationPolicy | None:
    query = sa.select(EscalationPolicy).where(EscalationPolicy.agency_id == agency_id)
    return db.session.scalar(query.with_for_update() if lock else query)


def policy_for(agency_id: int) -> Policy:
    """What the scan computes with for one agency: its own values or the defaults."""
    return policies_for([agency_id])[agency_id]


def policies_for(agency_ids) -> dict[int, Policy]:
    """`policy_for` of many agencies in one query (the looks of one scan batch share them)."""
    wanted = list(dict.fromkeys(agency_ids))
    found = dict.fromkeys(wanted, DEFAULTS)
    if not wanted:
        return found
    row = EscalationPolicy
    query = sa.select(row.agency_id, row.reminder_percent, row.grace, row.escalate_to).where(row.agency_id.in_(wanted))
    for agency_id, percent, grace, role in db.session.execute(query):
        policy, problems = clean({"reminder_percent": percent, "grace": grace, "escalate_to": role})
        found[agency_id] = policy if not problems else DEFAULTS
    return found


def effective(agency_id: int) -> dict:
    """The agency's policy as pages and the API show it."""
    row = _row(agency_id)
    policy = policy_for(agency_id)
    return {
        "agency_id": agency_id,
        "is_default": row is None,
        "reminder_percent": policy.reminder_percent,
        "grace": policy.grace,
        "escalate_to": policy.escalate_to,
        "version": row.version if row else 0,
        "updated_at": row.updated_at if row else None,
    }


def _require(actor: User | None, agency_id: int) -> Agency:
    require_admin_of(actor, agency_id)
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    return agency


def update_policy(actor: User | None, agency_id: int, values: dict) -> dict:
    """Set an agency's escalation policy; fields not given keep their current values. Administrators only."""
    agency = _require(actor, agency_id)
    current = effective(agency_id)
    before = {k: current[k] for k in ("reminder_percent", "grace", "escalate_to")}
    policy, problems = clean({**before, **{k: v for k, v in values.items() if v is not None}})
    if problems:
        raise ValidationError(
            "Chính sách nhắc việc và báo cáo quá hạn chưa hợp lệ, vui lòng kiểm tra lại.",
            code="invalid_escalation_policy",
            details=problems,
        )
    after = {"reminder_percent": policy.reminder_percent, "grace": policy.grace, "escalate_to": policy.escalate_to}
    row = _row(agency_id, lock=True)
    if row is not None and before == after:
        return current
    if row is None:
        row = EscalationPolicy(agency_id=agency_id, version=0)
        db.session.add(row)
    row.reminder_percent, row.grace, row.escalate_to = policy.reminder_percent, policy.grace, policy.escalate_to
    row.version = (row.version or 0) + 1
    row.updated_at = clock.now()
    row.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    audit.record(
        actor,
        "escalation.update_policy",
        row,
        agency_id=agency_id,
        summary=f"Sửa chính sách nhắc việc, báo cáo quá hạn của {agency.name}",
        changes={key: [before[key], after[key]] for key in before if before[key] != after[key]},
    )
    return effective(agency_id)


def reset_policy(actor: User | None, agency_id: int) -> dict:
    """Drop an agency's own policy: the defaults apply again."""
    agency = _require(actor, agency_id)
    row = _row(agency_id, lock=True)
    if row is not None:
        audit.record(
            actor,
            "escalation.reset_policy",
            row,
            agency_id=agency_id,
            summary=f"Đưa chính sách nhắc việc, báo cáo quá hạn của {agency.name} về mặc định",
        )
        db.session.delete(row)
        db.session.flush()
    return effective(agency_id)

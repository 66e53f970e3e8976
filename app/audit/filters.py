"""Searching the audit log: the filters the log page, its CSV export and `GET /api/v1/audit` share.

Filters come as text (query-string arguments) and are parsed here once, so the three entry points accept and refuse
the same things with the same messages. Dates are Vietnamese calendar days: "to" includes the whole day.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.audit.actions import ACTION_LABELS, action_label
from app.audit.models import NOT_SIGNED_IN, AuditEvent
from app.core import clock
from app.core.db import db
from app.core.errors import ValidationError
from app.core.folding import fold_vietnamese, person_search
from app.core.inputs import bounded_int
from app.core.periods import range_problem

PAGE_SIZE = 100
CSV_LIMIT = 10_000  # an export is for a period or a person, not the whole chain (`qlvb audit` exports that)
TEXT_MAX = 200


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None  # part of a username or a full name; a name typed at a refused sign-in, whole
    action: str | None = None  # action code, exact
    object_type: str | None = None
    agency_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None  # words in the summary or the action's label, together (_contains)

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) not in (None, "") for f in fields(self))

    def as_args(self) -> dict[str, str]:
        """The filter as query-string arguments (for "older" links and the CSV link)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in (None, ""):
                out[f.name] = value.isoformat() if isinstance(value, date) else str(value)
        return out


def parse_filters(args: Mapping[str, str]) -> tuple[AuditFilter, dict[str, str]]:
    """The filter `args` ask for and the problems found, field → Vietnamese message.

    A field that is not a value is left out; dates the wrong way round are both kept, as typed, for the page to show
    them with the message: a caller lists nothing while there is a problem (a list filtered by the other fields would
    look like the answer).
    """
    problems: dict[str, str] = {}
    values: dict = {}
    for name in ("actor", "action", "object_type", "q"):
        text = (args.get(name) or "").strip()
        if len(text) > TEXT_MAX:
            problems[name] = f"Tối đa {TEXT_MAX} ký tự."
        elif text:
            values[name] = text
    raw_agency = (args.get("agency_id") or "").strip()
    if raw_agency:
        try:
            values["agency_id"] = bounded_int(raw_agency)
        except ValueError:
            problems["agency_id"] = "Cơ quan không hợp lệ."
    for name in ("date_from", "date_to"):
        raw = (args.get(name) or "").strip()
        if raw:
            try:
                values[name] = date.fromisoformat(raw)
            except ValueError:
                problems[name] = "Ngày không hợp lệ (dạng YYYY-MM-DD)."
    if problem := range_problem(values.get("date_from"), values.get("date_to")):
        problems["date_to"] = problem
    return AuditFilter(**values), problems


def require_filters(args: Mapping[str, str]) -> AuditFilter:
    """parse_filters for the API: any problem refuses the whole request."""
    found, problems = parse_filters(args)
    if problems:
        raise ValidationError("Điều kiện lọc nhật ký không hợp lệ.", code="audit_filter_invalid", details=problems)
    return found


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.LOCAL_TZ)


def _of_agencies(agency_ids: set[int | None]) -> sa.ColumnElement[bool]:
    """`agency_ids` may hold None: the events of no agency (app.org.permissions.audit_agency_ids)."""
    in_agencies = AuditEvent.agency_id.in_([i for i in agency_ids if i is not None])
    return sa.or_(in_agencies, AuditEvent.agency_id.is_(None)) if None in agency_ids else in_agencies


# The accounts' table by name: audit sits below org (docs/architecture.md) and reads only these columns of it.
_ACCOUNTS = sa.table("user_account", sa.column("id"), sa.column("username"), sa.column("full_name_folded"))


def _query(agency_ids: set[int | None], f: AuditFilter) -> sa.Select:
    query = sa.select(AuditEvent).where(_of_agencies(agency_ids), AuditEvent.seq.is_not(None))
    if f.agency_id is not None:
        query = query.where(AuditEvent.agency_id == f.agency_id)
    if f.actor:
        # Part of a username or words of a full name find the person's events ("stc.chuyen", "kieu nam"); the name
        # as typed at sign-in also finds the refused sign-ins made under it (app.org.auth._attempt_by).
        text = f.actor.strip().lower()
        people = sa.select(_ACCOUNTS.c.id).where(
            person_search(_ACCOUNTS.c.full_name_folded, _ACCOUNTS.c.username, text)
        )
        names = [text, f"{NOT_SIGNED_IN} {text}"]
        query = query.where(sa.or_(AuditEvent.actor_id.in_(people), sa.func.lower(AuditEvent.actor_name).in_(names)))
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.object_type:
        query = query.where(AuditEvent.object_type == f.object_type)
    if f.date_from:
        query = query.where(AuditEvent.occurred_at >= _local_start(f.date_from))
    if f.date_to:
        query = query.where(AuditEvent.occurred_at < _local_start(f.date_to + timedelta(days=1)))
    if f.q and (contains := _contains(f.q)) is not None:
        query = query.where(contains)
    return query


@functools.cache
def _folded_labels() -> dict[str, str]:
    """Each action's label folded (with a leading space, so a word's start is " word"), once per process."""
    return {code: f" {fold_vietnamese(label)}" for code, label in ACTION_LABELS.items()}


def _contains(text: str) -> sa.ColumnElement[bool] | None:
    """ "Nội dung có chứa": the words typed, together and in their order, from the start of a word of the summary or
    of the action's label, with diacritics or without ("thu hoi" finds "Thu hồi văn bản…" but not "thực hiện … Khởi
    tạo"; "dang ky" finds the events of "Đăng ký văn bản đến")."""
    phrase = fold_vietnamese(text)
    if not phrase:
        return None
    escaped = phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    column = AuditEvent.summary_folded
    found = [column.like(f"{escaped}%", escape="\\"), column.like(f"% {escaped}%", escape="\\")]
    actions = [code for code, label in _folded_labels().items() if f" {phrase}" in label]
    if actions:
        found.append(AuditEvent.action.in_(actions))
    return sa.or_(*found)


def search(
    agency_ids: set[int | None], f: AuditFilter, *, before_seq: int | None = None, limit: int = PAGE_SIZE
) -> list[AuditEvent]:
    """Newest first, keyset-paged on `seq` (the chain's gap-free order): `before_seq` is the last row seen."""
    query = _query(agency_ids, f)
    if before_seq:
        query = query.where(AuditEvent.seq < before_seq)
    return list(db.session.scalars(query.order_by(AuditEvent.seq.desc()).limit(limit)))


def object_types(agency_ids: set[int | None]) -> list[str]:
    """The object types the agencies' log holds, for the filter's choices."""
    query = sa.select(AuditEvent.object_type).where(_of_agencies(agency_ids)).distinct()
    return sorted(db.session.scalars(query))


CSV_COLUMNS = (
    "seq",
    "occurred_at",
    "actor",
    "agency_id",
    "action",
    "action_label",
    "object_type",
    "object_id",
    "summary",
    "ip",
)


def to_csv(events: Iterable[AuditEvent]) -> str:
    """UTF-8 CSV with a BOM (Excel then reads Vietnamese correctly), local times."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in events:
        writer.writerow(
            [
                e.seq,
                clock.to_local(e.occurred_at).isoformat(timespec="seconds"),
                e.actor_name,
                e.agency_id or "",
                e.action,
                action_label(e.action),
                e.object_type,
                e.object_id or "",
                _safe_cell(e.summary),
                e.ip or "",
            ]
        )
    return out.getvalue()


def _safe_cell(text: str) -> str:
    """A summary starting with = + - @ would run as a formula in a spreadsheet (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text

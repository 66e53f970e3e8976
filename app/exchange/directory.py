"""The agency directory of the exchange (danh bạ liên thông): who a mã định danh is, and how to reach it.

An agency of this deployment is found in `org.Agency`; one elsewhere in `DirectoryEntry`, with the peer that
delivers to it when it is reachable directly. Both identifier forms are accepted (QCVN 102:2016 `000.00.00.H29`
and QĐ 20/2020 `H29.15`, legal.md §4.1, `app.org.agency_code`). When agencies merge (QĐ 09/2025) the closed code
stays with `merged_into` naming the code that replaced it: lookups follow it.
"""

import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa

from app.audit import services as audit
from app.core.db import db
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.folding import fold_vietnamese
from app.exchange.models import DirectoryEntry, ExchangePeer
from app.exchange.permissions import require_manage_exchange
from app.org.agency_code import agency_code_problem, equivalent_codes, normalize_agency_code
from app.org.models import Agency

MAX_MERGE_HOPS = 10  # a chain of merges longer than this is a loop in the data


@dataclass(frozen=True)
class Route:
    """Where a code leads: a local agency, or an outside one (with the peer that reaches it, if any)."""

    code: str  # the code after following merges
    name: str
    agency_id: int | None = None  # an agency of this deployment
    entry_id: int | None = None  # an outside agency of the directory
    peer_id: int | None = None  # the connector that delivers to it (None: package files only)

    @property
    def is_local(self) -> bool:
        return self.agency_id is not None


def checked_code(value: str, field: str = "code") -> str:
    """The normalized mã định danh, or a ValidationError naming the field."""
    code = normalize_agency_code(value)
    problem = agency_code_problem(code)
    if problem:
        raise ValidationError(problem, code="invalid_agency_code", details={field: problem})
    return code


def entry_for(code: str) -> DirectoryEntry | None:
    return db.session.scalar(sa.select(DirectoryEntry).where(DirectoryEntry.code == normalize_agency_code(code)))


def spellings(code: str | None) -> list[str]:
    """`code` first, then its other spellings (`000.00.00.H29` ↔ `H29`, legal.md §4.1)."""
    code = normalize_agency_code(code or "")
    return [code, *sorted(equivalent_codes(code))] if code else []


def _local_agency_by_code(code: str, *, active_only: bool = False) -> Agency | None:
    for spelling in spellings(code):
        query = sa.select(Agency).where(Agency.code == spelling)
        if active_only:
            query = query.where(Agency.is_active.is_(True))
        agency = db.session.scalar(query)
        if agency is not None:
            return agency
    return None


def _entry_by_any_spelling(code: str) -> DirectoryEntry | None:
    for spelling in spellings(code):
        entry = entry_for(spelling)
        if entry is not None:
            return entry
    return None


def resolve(code: str | None) -> Route | None:
    """Where `code` leads now: a local active agency first, else the directory (following merges); None when
    nobody by that code is known or the entry is closed without a successor."""
    code = normalize_agency_code(code or "")
    for _ in range(MAX_MERGE_HOPS):
        if not code:
            return None
        agency = _local_agency_by_code(code, active_only=True)
        if agency is not None:
            return Route(code=agency.code, name=agency.name, agency_id=agency.id)
        entry = _entry_by_any_spelling(code)
        if entry is None:
            return None
        if entry.merged_into:
            code = entry.merged_into
            continue
        if not entry.is_active:
            return None
        peer = entry.peer if entry.peer is not None and entry.peer.is_active else None
        return Route(code=entry.code, name=entry.name, entry_id=entry.id, peer_id=peer.id if peer else None)
    return None


def peer_route(code: str | None) -> Route | None:
    """The route to an outside agency that a connector reaches, else None (local, unknown or files only)."""
    route = resolve(code)
    return route if route is not None and not route.is_local and route.peer_id is not None else None


def codes_of_peer(peer: ExchangePeer) -> set[str]:
    """The codes a peer may speak for (its entries, and codes merged into them): who may send to us through it."""
    codes = set(db.session.scalars(sa.select(DirectoryEntry.code).where(DirectoryEntry.peer_id == peer.id)))
    merged = set(db.session.scalars(sa.select(DirectoryEntry.code).where(DirectoryEntry.merged_into.in_(codes))))
    return codes | merged


# --- reading ------------------------------------------------------------------------------------------------------

ENTRY_STATES = ("active", "merged", "inactive")
MAX_NAME = 255
MAX_NOTE = 500


def get_entry(entry_id: int) -> DirectoryEntry:
    entry = db.session.get(DirectoryEntry, entry_id)
    if entry is None:
        raise NotFound("Không tìm thấy cơ quan trong danh bạ liên thông.", code="directory_entry_not_found")
    return entry


def state_of(entry: DirectoryEntry) -> str:
    if entry.merged_into:
        return "merged"
    return "active" if entry.is_active else "inactive"


def list_entries(
    *, q: str | None = None, state: str | None = None, peer_id: int | None = None, with_peer: bool | None = None
) -> list[DirectoryEntry]:
    """The directory by code, filtered; `q` matches the code or the name, accents and case ignored. The directory
    is a list of agencies (hundreds, a few thousand at most): it is read whole and folded in Python, no folded
    column needed."""
    query = sa.select(DirectoryEntry).order_by(DirectoryEntry.code)
    if state == "merged":
        query = query.where(DirectoryEntry.merged_into.is_not(None))
    elif state == "active":
        query = query.where(DirectoryEntry.merged_into.is_(None), DirectoryEntry.is_active.is_(True))
    elif state == "inactive":
        query = query.where(DirectoryEntry.merged_into.is_(None), DirectoryEntry.is_active.is_(False))
    if peer_id is not None:
        query = query.where(DirectoryEntry.peer_id == peer_id)
    elif with_peer is not None:
        query = query.where(DirectoryEntry.peer_id.is_not(None) if with_peer else DirectoryEntry.peer_id.is_(None))
    entries = list(db.session.scalars(query))
    terms = fold_vietnamese(q or "").split()
    if terms:
        entries = [e for e in entries if all(t in fold_vietnamese(f"{e.code} {e.name}") for t in terms)]
    return entries


def suggestions(q: str | None, limit: int = 20) -> list[dict]:
    """What the recipient picker offers for a typed fragment: reachable entries (merged ones resolve to the code
    that replaced them, so the clerk sees where the document will really go)."""
    if not (q or "").strip():
        return []
    found = []
    for entry in list_entries(q=q):
        if entry.merged_into:
            route = resolve(entry.code)
            if route is None:
                continue
            found.append({"code": entry.code, "name": entry.name, "resolves_to": route.code, "peer": False})
        elif entry.is_active:
            found.append(
                {"code": entry.code, "name": entry.name, "resolves_to": None, "peer": entry.peer_id is not None}
            )
        if len(found) >= limit:
            break
    return found


# --- changing -----------------------------------------------------------------------------------------------------


def _facts(entry: DirectoryEntry) -> dict:
    return {
        "code": entry.code,
        "name": entry.name,
        "peer": entry.peer.key_id if entry.peer is not None else None,
        "merged_into": entry.merged_into,
        "is_active": entry.is_active,
        "note": entry.note,
    }


def _clean_text(value: str | None, field: str, limit: int, *, required: bool, label: str) -> str | None:
    text = unicodedata.normalize("NFC", (value or "").strip())
    if required and not text:
        raise ValidationError(f"{label} không được để trống.", code="directory_invalid", details={field: "Bắt buộc."})
    if len(text) > limit:
        raise ValidationError(
            f"{label} dài tối đa {limit} ký tự.", code="directory_invalid", details={field: f"Tối đa {limit} ký tự."}
        )
    return text or None


def code_problem(code: str) -> str | None:
    """Why `code` cannot be an entry of the directory: malformed, or an agency of this deployment (its route is the
    agency itself: an entry would shadow nothing and mislead whoever reads the list)."""
    problem = agency_code_problem(code)
    if problem:
        return problem
    agency = _local_agency_by_code(code)
    if agency is not None:
        if agency.code == normalize_agency_code(code):
            return "Mã định danh này đã là cơ quan trong hệ thống."
        return f"Mã định danh này là cách viết khác của {agency.code}, đã là cơ quan trong hệ thống."
    return None


def equivalent_entry(code: str) -> DirectoryEntry | None:
    """An entry of the directory under another spelling of `code` (`H29` for `000.00.00.H29`, legal.md §4.1)."""
    for spelling in sorted(equivalent_codes(code)):
        entry = entry_for(spelling)
        if entry is not None:
            return entry
    return None


def _checked_new_code(value: str) -> str:
    code = normalize_agency_code(value)
    problem = code_problem(code)
    if problem:
        raise ValidationError(problem, code="invalid_agency_code", details={"code": problem})
    if entry_for(code) is not None:
        raise Conflict(
            f"Mã định danh {code} đã có trong danh bạ liên thông.",
            code="directory_code_taken",
            details={"code": "Đã có trong danh bạ."},
        )
    twin = equivalent_entry(code)
    if twin is not None:
        raise Conflict(
            f"Mã định danh {code} là cách viết khác của {twin.code}, đã có trong danh bạ liên thông.",
            code="directory_code_taken",
            details={"code": f"Đã có trong danh bạ dưới mã {twin.code}."},
        )
    return code


def _peer_or_none(peer_id: int | None) -> ExchangePeer | None:
    if peer_id in (None, "", 0):
        return None
    peer = db.session.get(ExchangePeer, int(peer_id))
    if peer is None:
        raise ValidationError(
            "Không tìm thấy hệ thống liên thông.", code="peer_not_found", details={"peer_id": "Không có."}
        )
    return peer


def add_entry(actor, *, code: str, name: str, peer_id: int | None = None, note: str | None = None) -> DirectoryEntry:
    """Add an outside agency to the directory (both identifier forms, legal.md §4.1)."""
    require_manage_exchange(actor)
    entry = DirectoryEntry(
        code=_checked_new_code(code),
        name=_clean_text(name, "name", MAX_NAME, required=True, label="Tên cơ quan"),
        note=_clean_text(note, "note", MAX_NOTE, required=False, label="Ghi chú"),
        is_active=True,
    )
    entry.peer = _peer_or_none(peer_id)
    db.session.add(entry)
    db.session.flush()
    audit.record(
        actor,
        "exchange.directory_add",
        entry,
        agency_id=None,
        summary=f"Thêm vào danh bạ liên thông: {entry.code} {entry.name}",
        changes=_facts(entry),
    )
    return entry


def update_entry(
    actor, entry_id: int, *, name: str, peer_id: int | None = None, note: str | None = None
) -> DirectoryEntry:
    """Change the name, the peer that reaches it, the note; the code is the entry's identity and stays (a new code
    is a merge, QĐ 09/2025)."""
    require_manage_exchange(actor)
    entry = get_entry(entry_id)
    before = _facts(entry)
    entry.name = _clean_text(name, "name", MAX_NAME, required=True, label="Tên cơ quan")
    entry.note = _clean_text(note, "note", MAX_NOTE, required=False, label="Ghi chú")
    entry.peer = _peer_or_none(peer_id)
    db.session.flush()
    after = _facts(entry)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        audit.record(
            actor,
            "exchange.directory_update",
            entry,
            agency_id=None,
            summary=f"Sửa danh bạ liên thông: {entry.code} {entry.name}",
            changes=changed,
        )
    return entry


def set_entry_active(actor, entry_id: int, active: bool) -> DirectoryEntry:
    """Close an entry (the agency no longer exists, nothing replaces it) or open it again."""
    require_manage_exchange(actor)
    entry = get_entry(entry_id)
    if entry.merged_into:
        raise Conflict(
            f"{entry.code} đã sáp nhập vào {entry.merged_into}: sửa việc sáp nhập trước.", code="directory_entry_merged"
        )
    if entry.is_active == active:
        raise Conflict(
            "Cơ quan đang hoạt động trong danh bạ." if active else "Cơ quan đã ngừng trong danh bạ.",
            code="directory_entry_already_active" if active else "directory_entry_already_inactive",
        )
    entry.is_active = active
    db.session.flush()
    audit.record(
        actor,
        "exchange.directory_reactivate" if active else "exchange.directory_deactivate",
        entry,
        agency_id=None,
        summary=("Dùng lại" if active else "Ngừng dùng") + f" trong danh bạ liên thông: {entry.code} {entry.name}",
    )
    return entry


def merge_entry(actor, entry_id: int, into_code: str) -> DirectoryEntry:
    """QĐ 09/2025: the agency of `entry` merged into the one coded `into_code` (an entry of the directory or an
    agency of this deployment). The old code stays so old packages and statuses still find their way (`resolve`
    follows it); a merge that would lead back to itself is refused."""
    require_manage_exchange(actor)
    entry = get_entry(entry_id)
    target = checked_code(into_code, "into_code")
    if target == entry.code:
        raise ValidationError(
            "Không thể sáp nhập một cơ quan vào chính nó.",
            code="directory_merge_self",
            details={"into_code": "Chọn mã của cơ quan khác."},
        )
    is_local = _local_agency_by_code(target) is not None
    if not is_local and _entry_by_any_spelling(target) is None:
        raise ValidationError(
            f"Chưa có cơ quan mã {target} trong danh bạ liên thông hay trong hệ thống: thêm cơ quan đó trước.",
            code="directory_merge_target_unknown",
            details={"into_code": "Không có trong danh bạ."},
        )
    current, seen = target, {entry.code}
    for _ in range(MAX_MERGE_HOPS):
        if current in seen:
            raise Conflict(
                f"Sáp nhập {entry.code} vào {target} tạo thành vòng lặp.",
                code="directory_merge_cycle",
                details={"into_code": "Cơ quan này đã sáp nhập (trực tiếp hoặc gián tiếp) vào mã đang sửa."},
            )
        seen.add(current)
        nxt = entry_for(current)
        if nxt is None or not nxt.merged_into:
            break
        current = nxt.merged_into
    else:
        raise Conflict("Chuỗi sáp nhập quá dài.", code="directory_merge_cycle", details={"into_code": "Quá dài."})
    before = entry.merged_into
    entry.merged_into = target
    entry.is_active = False
    db.session.flush()
    audit.record(
        actor,
        "exchange.directory_merge",
        entry,
        agency_id=None,
        summary=f"Sáp nhập trong danh bạ liên thông: {entry.code} {entry.name} → {target}",
        changes={"merged_into": [before, target]},
    )
    return entry

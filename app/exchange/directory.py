"""The agency directory of the exchange (danh bạ liên thông): who a mã định danh is, and how to reach it.

An agency of this deployment is found in `org.Agency`; one elsewhere in `DirectoryEntry`, with the peer that
delivers to it when it is reachable directly. Both identifier forms are accepted (QCVN 102:2016 `000.00.00.H29`
and QĐ 20/2020 `H29.15`, legal.md §4.1, `app.org.agency_code`). When agencies merge (QĐ 09/2025) the closed code
stays with `merged_into` naming the code that replaced it: lookups follow it.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import ValidationError
from app.exchange.models import DirectoryEntry, ExchangePeer
from app.org.agency_code import agency_code_problem, normalize_agency_code
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


def resolve(code: str | None) -> Route | None:
    """Where `code` leads now: a local active agency first, else the directory (following merges); None when
    nobody by that code is known or the entry is closed without a successor."""
    code = normalize_agency_code(code or "")
    for _ in range(MAX_MERGE_HOPS):
        if not code:
            return None
        agency = db.session.scalar(sa.select(Agency).where(Agency.code == code, Agency.is_active.is_(True)))
        if agency is not None:
            return Route(code=code, name=agency.name, agency_id=agency.id)
        entry = entry_for(code)
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

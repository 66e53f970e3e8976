"""The home page's panels: what each module shows a person when they sign in (issue 11, "a home page for every role").

A module declares its panels in its `__init__.py` (`home_panels=("app.<module>.home:PANELS",)`); the web dashboard
and `GET /api/v1/home` render those that apply to the signed-in person, in order. A panel's `build(user)` returns
None when it does not apply (a clerk's intake queue for a specialist), else its `PanelContent`: a few capped
figures, each linking to exactly the list it counts, and the top few items. Here in `core`, below every module, so
that a module may declare panels without importing the web shell above it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.core.db import db

# Counts on the home page stop here, like the inbox's ("1000+"): the most visited page never counts everything.
COUNT_CAP = 1000


def fetch_counts(counts: list, params: dict | None = None) -> list[int]:
    """Several capped counts (scalar subqueries) in one statement: one round trip for a panel's figures."""
    if not counts:
        return []
    return list(db.session.execute(sa.select(*counts), params or {}).one())


@dataclass(frozen=True)
class Figure:
    """One count of a panel ("Quá hạn: 3") and the list it counts."""

    key: str  # stable identifier, in the JSON and in data-testid
    label: str
    count: int
    url: str | None = None
    tone: str = "secondary"  # Bootstrap colour when the count is not zero: danger, warning, primary …
    cap: int = COUNT_CAP

    @property
    def display(self) -> str:
        return f"{self.cap}+" if self.count >= self.cap else str(self.count)


@dataclass(frozen=True)
class Item:
    """One of the top few things of a panel (a task, a document), linking to its page."""

    title: str
    url: str | None = None
    detail: str | None = None  # a second line: the document, the sender, the step
    due_at: datetime | None = None
    is_overdue: bool = False
    is_urgent: bool = False


@dataclass
class PanelContent:
    figures: list[Figure] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    items_title: str | None = None  # heading above the items ("Việc gần hạn nhất")
    empty: str = "Không có việc nào."  # shown when there are no items
    more_url: str | None = None  # "Xem tất cả"
    notes: list[str] = field(default_factory=list)  # a line under the figures ("Không có việc quá hạn.")
    extra: dict[str, Any] = field(default_factory=dict)  # what a panel's own template needs beyond the above


@dataclass(frozen=True)
class HomePanel:
    """A card of the home page. `build(user)` is called per request: keep it to a few indexed, capped queries."""

    id: str  # stable: the card's id, data-testid "home-panel-<id>", the key in the JSON
    title: str
    build: Callable[[Any], PanelContent | None]
    order: int = 100  # smallest first
    template: str = "web/home_panel.html"  # a panel may bring its own (it receives `panel` and `content`)

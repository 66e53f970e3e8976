"""Answering a search: every metadata field and the PDFs' text, accent-insensitive, ranked, visible only.

NĐ 30/2020 Phụ lục VI III.6.d (search every input field and the content), III.6.g (the order of the results).
Who sees what is the sources' own rule (each module's `visible_filter`), asked in the same query, and the
agency comes first (design.md §8).

Ranking: a document whose số/ký hiệu or trích yếu holds every word comes before one where only the other metadata
does, which comes before one found only in its PDFs; within a tier the database's score orders (PostgreSQL
ts_rank over the weighted vector, SQLite FTS5 bm25 with the same weights), then the newest.
"""

from dataclasses import asdict, dataclass, fields
from datetime import date

import sqlalchemy as sa

from app.core.db import db
from app.core.folding import fold_vietnamese
from app.documents.fulltext.models import FTS_TABLE, PG_COLUMN, SearchEntry
from app.documents.fulltext.sources import SOURCES
from app.documents.fulltext.text import all_terms_in, terms

PER_PAGE = 50
CANDIDATES = 1000  # ranked in Python: the best this many matches (a search box, not an export of everything)
ORDERS = ("rank", "newest", "oldest")


@dataclass
class SearchQuery:
    """The quick box (`q`) and the advanced page's fields; all optional, combined with AND."""

    q: str | None = None
    kind: str | None = None  # "incoming", "outgoing" (a source's kind); None: all
    symbol: str | None = None
    subject: str | None = None
    party: str | None = None  # nơi gửi / nơi nhận
    type_name: str | None = None
    signer: str | None = None
    urgency: str | None = None
    status: str | None = None
    number: int | None = None
    year: int | None = None
    date_from: date | None = None  # ngày văn bản
    date_to: date | None = None
    arrival_from: date | None = None  # ngày đến
    arrival_to: date | None = None
    order: str = "rank"

    def to_params(self) -> dict:
        """The non-empty fields as JSON-friendly values (a saved search keeps these)."""
        out = {}
        for key, value in asdict(self).items():
            if value in (None, "") or (key == "order" and value == "rank"):
                continue
            out[key] = value.isoformat() if isinstance(value, date) else value
        return out

    @classmethod
    def from_params(cls, params: dict) -> "SearchQuery":
        known = {f.name: f.type for f in fields(cls)}
        values = {}
        for key, value in (params or {}).items():
            if key not in known or value in (None, ""):
                continue
            if key in ("date_from", "date_to", "arrival_from", "arrival_to") and isinstance(value, str):
                value = date.fromisoformat(value)
            values[key] = value
        return cls(**values)

    @property
    def is_empty(self) -> bool:
        return not {k: v for k, v in self.to_params().items() if k not in ("order", "kind")}


@dataclass
class Hit:
    entry: SearchEntry
    tier: int  # 2 số/ký hiệu or trích yếu, 1 other metadata, 0 the PDFs' text only


@dataclass
class Results:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    terms: list[str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _visible(user, kind: str | None):
    branches = [
        sa.and_(SearchEntry.kind == k, SearchEntry.object_id.in_(source.visible_ids(user)))
        for k, source in SOURCES.items()
        if kind in (None, "", k)
    ]
    return sa.or_(*branches) if branches else sa.false()


def _contains_words(column, text: str | None):
    wanted = terms(text)
    if not wanted:
        return None
    # Word prefixes in the folded words: "so tai" finds "Sở Tài chính"; at a word start, like the index.
    return sa.and_(*(sa.or_(column.like(f"{t}%"), column.like(f"% {t}%")) for t in wanted))


def _field_filters(query: SearchQuery) -> list:
    conditions = [
        _contains_words(SearchEntry.subject_folded, query.subject),
        _contains_words(SearchEntry.party_folded, query.party),
        _contains_words(SearchEntry.signer_folded, query.signer),
    ]
    if query.symbol and query.symbol.strip():
        conditions.append(sa.func.upper(SearchEntry.symbol).contains(query.symbol.strip().upper(), autoescape=True))
    if query.type_name and query.type_name.strip():
        conditions.append(
            sa.func.lower(SearchEntry.type_name).contains(query.type_name.strip().lower(), autoescape=True)
        )
    for column, value in (
        (SearchEntry.urgency, query.urgency),
        (SearchEntry.status, query.status),
        (SearchEntry.number, query.number),
        (SearchEntry.year, query.year),
    ):
        if value not in (None, ""):
            conditions.append(column == value)
    for column, low, high in (
        (SearchEntry.issued_date, query.date_from, query.date_to),
        (SearchEntry.arrival_date, query.arrival_from, query.arrival_to),
    ):
        if low:
            conditions.append(column >= low)
        if high:
            conditions.append(column <= high)
    return [c for c in conditions if c is not None]


def _text_match(wanted: list[str]):
    """(WHERE clause, score expression: higher is better, FROM to add or None) of the full-text match."""
    if db.session.get_bind().dialect.name == "postgresql":
        tsquery = sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), " & ".join(f"{t}:*" for t in wanted))
        vector = sa.literal_column(f"search_entry.{PG_COLUMN}")
        return vector.op("@@")(tsquery), sa.func.ts_rank(vector, tsquery), None
    fts = sa.table(FTS_TABLE, sa.column("rowid"))
    match = sa.literal_column(FTS_TABLE).op("MATCH")(" AND ".join(f'"{t}"*' for t in wanted))
    # bm25 is lower for better matches; columns weighted like PostgreSQL's A/B/D.
    score = -sa.func.bm25(sa.literal_column(FTS_TABLE), 10.0, 4.0, 1.0)
    return sa.and_(match, fts.c.rowid == SearchEntry.id), score, fts


def _tier(entry_title: str, entry_meta: str, wanted: list[str]) -> int:
    if not wanted:
        return 0
    if all_terms_in(entry_title, wanted):
        return 2
    return 1 if all_terms_in(f"{entry_title} {entry_meta}", wanted) else 0


def search(user, query: SearchQuery, *, page: int = 1, per_page: int = PER_PAGE) -> Results:
    """The page `page` of what `user` may see that matches `query`, best first (or by date when asked)."""
    page = max(1, page)
    wanted = terms(query.q)
    where = [SearchEntry.agency_id == user.agency_id, _visible(user, query.kind), *_field_filters(query)]
    if query.is_empty and not wanted:
        return Results([], 0, page, per_page, wanted)
    date_key = sa.func.coalesce(SearchEntry.arrival_date, SearchEntry.issued_date)
    if not wanted or query.order in ("newest", "oldest"):
        base = sa.select(SearchEntry).where(*where)
        if wanted:
            match, _score, fts = _text_match(wanted)
            base = base.where(match) if fts is None else base.select_from(SearchEntry).join(fts, sa.true()).where(match)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
        direction = sa.asc if query.order == "oldest" else sa.desc
        rows = db.session.scalars(
            base.order_by(direction(date_key), direction(SearchEntry.id)).offset((page - 1) * per_page).limit(per_page)
        ).all()
        return Results(
            [Hit(e, _tier(e.title_folded, e.meta_folded, wanted)) for e in rows], total, page, per_page, wanted
        )
    match, score, fts = _text_match(wanted)
    ranked = sa.select(SearchEntry.id, SearchEntry.title_folded, SearchEntry.meta_folded, score.label("score"))
    if fts is not None:
        ranked = ranked.select_from(SearchEntry).join(fts, sa.true())
    ranked = ranked.where(*where, match).order_by(sa.desc("score"), SearchEntry.id.desc()).limit(CANDIDATES)
    candidates = [
        (-_tier(title, meta, wanted), -float(score_value or 0), -entry_id, entry_id)
        for entry_id, title, meta, score_value in db.session.execute(ranked)
    ]
    candidates.sort()
    chosen = [c[3] for c in candidates[(page - 1) * per_page : page * per_page]]
    tiers = {c[3]: -c[0] for c in candidates}
    entries = {e.id: e for e in db.session.scalars(sa.select(SearchEntry).where(SearchEntry.id.in_(chosen)))}
    return Results([Hit(entries[i], tiers[i]) for i in chosen if i in entries], len(candidates), page, per_page, wanted)


def folded(text: str | None) -> str:
    return fold_vietnamese(text)

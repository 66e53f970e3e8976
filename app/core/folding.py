"""Diacritics-insensitive search: "quyet dinh" finds "Quyết định".

How a module uses it (the incoming module for trích yếu, say):

    class IncomingDocument(db.Model):
        summary: Mapped[str] = mapped_column(sa.Text)
        summary_folded: Mapped[str] = mapped_column(sa.Text, index=True)   # never set by hand

    keep_folded(IncomingDocument.summary, "summary_folded")   # right after the class

    query = query.where(folded_search(IncomingDocument.summary_folded, request.args["q"]))

The folded copy is written by the ORM whenever the source attribute is set, so it is always in step and the
search is a plain LIKE on one column, identical on SQLite and PostgreSQL (no unaccent extension, no ICU).
A b-tree index serves equality and prefix matches; for substring search over a large table on PostgreSQL add
a trigram index (pg_trgm, `gin (summary_folded gin_trgm_ops)`) in that module's migration.
"""

import unicodedata

import sqlalchemy as sa
from sqlalchemy import event

# đ/Đ is a letter of its own, not d + a combining mark: NFD leaves it alone, so it is mapped by hand.
_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})
# Terms longer than this are cut; more terms than this are ignored (a search box, not a query language).
MAX_TERMS = 8


def fold_vietnamese(text: str | None) -> str:
    """Lower-case, strip diacritics (NFD, drop combining marks), map đ/Đ → d, collapse whitespace."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def keep_folded(attribute, folded_name: str, limit: int | None = None) -> None:
    """Keep `folded_name` on the same object equal to `fold_vietnamese(<attribute>)` on every assignment.

    `attribute` is the mapped attribute (`Model.summary`); the listener also fires for constructor arguments.
    `limit` cuts the folded copy to its column's length.
    """

    @event.listens_for(attribute, "set", retval=False)
    def _fold(target, value, _oldvalue, _initiator):
        setattr(target, folded_name, fold_vietnamese(value)[:limit])


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def folded_search(folded_column, query: str | None):
    """A WHERE clause: every word of `query` occurs in the folded column, in any order; None for a blank query.

    "dinh quyet" and "quyết định" both find "Quyết định số 12"; % and _ typed by the user match themselves.
    """
    terms = fold_vietnamese(query).split()[:MAX_TERMS]
    if not terms:
        return None
    return sa.and_(*(folded_column.like(f"%{_escape_like(term)}%", escape="\\") for term in terms))


def person_search(folded_name_column, username_column, text: str):
    """A WHERE clause finding people by part of the username ("stc.chuyen") or by words of the full name in any order,
    with diacritics or without ("nguyen an" finds "Nguyễn Văn An"; "đặng" finds "Đặng" on SQLite too, whose lower()
    leaves non-ASCII letters alone). The one rule for "find a person by name": the admin's list and the audit log."""
    words = folded_search(folded_name_column, text)
    login = username_column.contains(text.strip().lower(), autoescape=True)
    return sa.or_(login, words) if words is not None else login

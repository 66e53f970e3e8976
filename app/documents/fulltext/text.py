"""Words as the search index holds them, the terms of a query, and the highlighted snippet of a result.

Both databases receive text already folded here (app.core.folding.fold_vietnamese: diacritics dropped,
đ → d, lower case) and cut into words of letters and digits, so "Quyết định", "quyet dinh" and "QUYẾT ĐỊNH" are
the same words on SQLite and PostgreSQL alike, without the unaccent extension (whose rules for đ vary).
"""

import re
import unicodedata

from markupsafe import Markup, escape

from app.core.folding import MAX_TERMS, fold_vietnamese

_WORD = re.compile(r"[^\W_]+")
BODY_LIMIT = 200_000  # characters of a document's PDF text kept and indexed (a tsvector holds at most 1 MB)
SNIPPET = 220  # characters shown around the first match


def words(*texts: object) -> str:
    """The folded words of `texts`, separated by one space ("Số 12/QĐ-UBND" → "so 12 qd ubnd")."""
    return " ".join(w for text in texts if text for w in _WORD.findall(fold_vietnamese(str(text))))


def terms(query: str | None) -> list[str]:
    """The words of a query, folded, at most MAX_TERMS of them; each is matched as a word prefix."""
    found: list[str] = []
    for word in _WORD.findall(fold_vietnamese(query or "")):
        if word not in found:
            found.append(word)
    return found[:MAX_TERMS]


def all_terms_in(folded_words: str, query_terms: list[str]) -> bool:
    """Every term starts one of the words (the same prefix match the indexes make)."""
    present = folded_words.split()
    return all(any(w.startswith(t) for w in present) for t in query_terms)


def _fold_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of the original character it came from."""
    folded, origin = [], []
    for i, ch in enumerate(text):
        f = fold_vietnamese(ch) if not ch.isspace() else " "
        if not f and not unicodedata.combining(ch):
            f = " "
        for c in f:
            folded.append(c)
            origin.append(i)
    return "".join(folded), origin


def _matches(text: str, query_terms: list[str]) -> list[tuple[int, int]]:
    """(start, end) in `text` of every word that starts with a term."""
    folded, origin = _fold_map(text)
    spans = []
    for m in _WORD.finditer(folded):
        if any(m.group().startswith(t) for t in query_terms):
            end = max(len(t) for t in query_terms if m.group().startswith(t))
            spans.append((origin[m.start()], origin[m.start() + end - 1] + 1))
    return spans


def highlight(text: str | None, query_terms: list[str]) -> Markup:
    """`text` escaped, with the matched parts in <mark>."""
    text = unicodedata.normalize("NFC", text or "")
    if not query_terms:
        return escape(text)
    out, last = [], 0
    for start, end in _matches(text, query_terms):
        out += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str | None, query_terms: list[str]) -> Markup | None:
    """A short passage of `text` around its first match, highlighted; None when nothing matches."""
    text = " ".join(unicodedata.normalize("NFC", text or "").split())
    spans = _matches(text, query_terms) if query_terms else []
    if not spans:
        return None
    start = max(0, spans[0][0] - SNIPPET // 3)
    end = min(len(text), start + SNIPPET)
    passage = highlight(text[start:end], query_terms)
    return Markup("").join([Markup("… ") if start else "", passage, Markup(" …") if end < len(text) else ""])

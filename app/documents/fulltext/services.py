"""A person's saved searches (NĐ 30/2020 Phụ lục VI III.6.e) and result columns (III.6.đ): services, actor first.

A saved search belongs to the person who saved it: nobody else lists, runs or deletes it (another person's id
answers "not found", not "forbidden", so ids reveal nothing).
"""

import sqlalchemy as sa

from app.audit.services import record
from app.core.db import db
from app.core.errors import Conflict, NotFound, ValidationError
from app.documents.fulltext.models import SavedSearch, SearchColumns
from app.documents.fulltext.query import SearchQuery
from app.documents.fulltext.sources import COLUMNS, DEFAULT_COLUMNS

NAME_LIMIT = 100
SAVED_LIMIT = 100  # saved searches per person


def clean_columns(columns, *, field: str = "columns") -> list[str]:
    """The known column keys of `columns`, in the order given, without repeats; refuse unknown or none."""
    chosen: list[str] = []
    unknown = []
    for key in columns or []:
        if key in COLUMNS:
            if key not in chosen:
                chosen.append(key)
        else:
            unknown.append(str(key))
    if unknown:
        raise ValidationError(
            f"Cột không có: {', '.join(unknown)}.", code="unknown_column", details={field: "Cột không hợp lệ."}
        )
    if not chosen:
        raise ValidationError(
            "Hãy chọn ít nhất một cột.", code="no_column", details={field: "Hãy chọn ít nhất một cột."}
        )
    return chosen


def columns_of(user) -> list[str]:
    """The columns `user` chose (III.6.đ), or the default ones."""
    row = db.session.get(SearchColumns, user.id)
    return [c for c in row.columns if c in COLUMNS] if row and row.columns else list(DEFAULT_COLUMNS)


def choose_columns(actor, columns) -> list[str]:
    chosen = clean_columns(columns)
    row = db.session.get(SearchColumns, actor.id)
    if row is None:
        db.session.add(SearchColumns(user_id=actor.id, columns=chosen))
    else:
        row.columns = chosen
    db.session.flush()
    record(
        actor,
        "search.columns",
        None,
        object_type="user_account",
        object_id=actor.id,
        summary=f"Chọn cột kết quả tìm kiếm: {', '.join(COLUMNS[c] for c in chosen)}",
        changes={"columns": chosen},
    )
    return chosen


def saved_searches(user) -> list[SavedSearch]:
    query = sa.select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.name)
    return list(db.session.scalars(query))


def get_saved(user, saved_id: int) -> SavedSearch:
    saved = db.session.get(SavedSearch, saved_id)
    if saved is None or saved.user_id != user.id:
        raise NotFound("Không tìm thấy yêu cầu tìm kiếm đã lưu.", code="saved_search_not_found")
    return saved


def save_search(actor, name: str, query: SearchQuery, columns=None) -> SavedSearch:
    """Keep `query` under `name` (III.6.e), with its own columns when given (III.6.đ)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Hãy đặt tên cho yêu cầu tìm kiếm.", code="name_required", details={"name": "Bắt buộc."})
    if len(name) > NAME_LIMIT:
        raise ValidationError(
            f"Tên dài quá {NAME_LIMIT} ký tự.", code="name_too_long", details={"name": f"Tối đa {NAME_LIMIT} ký tự."}
        )
    if query.is_empty:
        raise ValidationError(
            "Yêu cầu tìm kiếm chưa có điều kiện nào.", code="empty_query", details={"q": "Nhập từ khóa hoặc điều kiện."}
        )
    chosen = clean_columns(columns) if columns else None
    exists = sa.select(SavedSearch.id).where(SavedSearch.user_id == actor.id, SavedSearch.name == name)
    if db.session.scalar(exists) is not None:
        raise Conflict(
            f"Đã có yêu cầu tìm kiếm tên “{name}”.", code="saved_search_exists", details={"name": "Tên đã dùng."}
        )
    count = db.session.scalar(sa.select(sa.func.count()).where(SavedSearch.user_id == actor.id))
    if count >= SAVED_LIMIT:
        raise Conflict(f"Mỗi người lưu tối đa {SAVED_LIMIT} yêu cầu tìm kiếm.", code="saved_search_limit")
    saved = SavedSearch(user_id=actor.id, name=name, params=query.to_params(), columns=chosen)
    db.session.add(saved)
    db.session.flush()
    record(
        actor,
        "search.save",
        saved,
        agency_id=actor.agency_id,
        summary=f"Lưu yêu cầu tìm kiếm “{name}”",
        changes={"params": saved.params, "columns": chosen},
    )
    return saved


def delete_saved(actor, saved_id: int) -> None:
    saved = get_saved(actor, saved_id)
    record(
        actor, "search.delete_saved", saved, agency_id=actor.agency_id, summary=f"Xóa yêu cầu tìm kiếm “{saved.name}”"
    )
    db.session.delete(saved)
    db.session.flush()

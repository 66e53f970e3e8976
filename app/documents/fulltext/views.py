"""Pages of the search: the results of the header's quick box and of the advanced form, saved searches, the
choice of columns and the exports (NĐ 30/2020 Phụ lục VI III.6.d, đ, e, g, h)."""

import io
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.core.errors import DomainError, NotFound
from app.core.transaction import unit_of_work
from app.documents.fulltext import export, services
from app.documents.fulltext.query import ORDERS, SearchQuery, search
from app.documents.fulltext.sources import COLUMNS, SOURCES
from app.documents.fulltext.text import highlight, snippet
from app.documents.models import URGENCY_LABELS

bp = Blueprint("search", __name__, url_prefix="/search", template_folder="templates")

_TEXT = ("q", "kind", "symbol", "subject", "party", "type_name", "signer", "urgency", "status")
_DATES = ("date_from", "date_to", "arrival_from", "arrival_to")


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 10 else None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def query_from(values) -> SearchQuery:
    """The query a page's fields (request.args or a form) describe; unreadable numbers and dates are ignored."""
    fields = {name: (values.get(name) or "").strip() or None for name in _TEXT}
    fields.update({name: _date(values.get(name)) for name in _DATES})
    order = values.get("order")
    return SearchQuery(
        **fields,
        number=_int(values.get("number")),
        year=_int(values.get("year")),
        order=order if order in ORDERS else "rank",
    )


def _context(query: SearchQuery) -> dict:
    return {
        "query": query,
        "params": query.to_params(),
        "sources": SOURCES,
        "all_columns": COLUMNS,
        "urgency_labels": {str(k): v for k, v in URGENCY_LABELS.items()},
        "saved": services.saved_searches(current_user),
    }


@bp.get("")
@login_required
def results():
    """The results page: the quick box's `q` or the advanced fields, ranked; a saved search by `saved`."""
    saved = None
    if saved_id := _int(request.args.get("saved")):
        saved = services.get_saved(current_user, saved_id)
        query = SearchQuery.from_params(saved.params)
    else:
        query = query_from(request.args)
    columns = (saved.columns if saved and saved.columns else None) or services.columns_of(current_user)
    found = search(current_user, query, page=_int(request.args.get("page")) or 1)
    rows = []
    for hit in found.hits:
        entry, source = hit.entry, SOURCES.get(hit.entry.kind)
        values = {}
        for c in columns:
            value = export.cell(entry, c)
            text = export._text(value) if value not in (None, "") else ""
            values[c] = highlight(text, found.terms) if c in ("symbol", "subject", "party", "signer") else text
        rows.append(
            {
                "entry": entry,
                "url": url_for(source.endpoint, **{source.id_arg: entry.object_id}) if source else None,
                "values": values,
                "snippet": snippet(entry.body, found.terms) if hit.tier == 0 else None,
            }
        )
    return render_template(
        "fulltext/results.html", found=found, rows=rows, columns=columns, saved_now=saved, **_context(query)
    )


@bp.get("/advanced")
@login_required
def advanced():
    """The advanced search form: every field of a document (III.6.d)."""
    return render_template("fulltext/advanced.html", **_context(query_from(request.args)))


@bp.post("/saved")
@login_required
def save():
    query = query_from(request.form)
    columns = request.form.getlist("columns") or None
    try:
        with unit_of_work():
            saved = services.save_search(current_user, request.form.get("name", ""), query, columns)
    except DomainError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("search.results", **query.to_params()))
    flash(f"Đã lưu yêu cầu tìm kiếm “{saved.name}”.", "success")
    return redirect(url_for("search.results", saved=saved.id))


@bp.post("/saved/<int:saved_id>/delete")
@login_required
def delete_saved(saved_id: int):
    try:
        with unit_of_work():
            services.delete_saved(current_user, saved_id)
    except NotFound:
        raise  # someone else's saved search: a 404, as on the API (design.md §8)
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash("Đã xóa yêu cầu tìm kiếm.", "success")
    return redirect(url_for("search.results"))


@bp.post("/columns")
@login_required
def choose_columns():
    """Keep the columns the person ticked, in the list's order (III.6.đ)."""
    query = query_from(request.form)
    try:
        with unit_of_work():
            services.choose_columns(current_user, [c for c in COLUMNS if c in request.form.getlist("columns")])
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash("Đã lưu các cột hiển thị.", "success")
    return redirect(url_for("search.results", **query.to_params()))


@bp.get("/export")
@login_required
def export_results():
    """The results in DOCX, XLSX or PDF, with the chosen columns (III.6.h)."""
    fmt = request.args.get("format")
    if fmt not in export.FORMATS:
        flash("Định dạng kết xuất không hỗ trợ.", "danger")
        return redirect(url_for("search.results", **query_from(request.args).to_params()))
    saved = services.get_saved(current_user, saved_id) if (saved_id := _int(request.args.get("saved"))) else None
    query = SearchQuery.from_params(saved.params) if saved else query_from(request.args)
    columns = (saved.columns if saved and saved.columns else None) or services.columns_of(current_user)
    content, mimetype, filename = export.export(current_user, query, columns, fmt)
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=filename)

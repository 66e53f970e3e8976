"""Pages of "Hồ sơ công việc": the list, opening a dossier (from the plan or ad hoc), the dossier's page with its
items, filing documents and files, and the head's grants. Thin: each action is one service call in one unit of work."""

import io
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.core import clock
from app.core.db import db
from app.core.errors import DomainError, ValidationError
from app.core.inputs import bounded_int
from app.core.transaction import unit_of_work
from app.dossiers import codes, filing, grants, items, permissions, plan, queries, services
from app.dossiers.states import DOSSIER_STATUS_LABELS, EDITABLE
from app.org.models import User

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers", template_folder="templates")


def _me() -> User:
    return current_user._get_current_object()


def _date(name: str) -> date | None:
    text = (request.form.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError("Ngày không hợp lệ.", code="date_invalid", details={name: "Ngày không hợp lệ."}) from None


def _int(name: str) -> int | None:
    try:
        return bounded_int(request.form.get(name, ""))
    except (TypeError, ValueError):
        return None


def _act(action, done: str, back: str):
    """Run one action as one unit of work; a refusal comes back as a message on the page it came from."""
    try:
        with unit_of_work():
            result = action(_me())
    except DomainError as exc:
        if exc.status not in (403, 409, 422):
            raise  # a 404 is a page of its own
        flash(_refusal_text(exc), "danger")
        return redirect(back), None
    flash(done, "success")
    return None, result


def _refusal_text(exc: DomainError) -> str:
    """The refusal's message and whatever its details add to it, as one line for the page."""
    details = exc.details if isinstance(exc.details, dict) else {}
    extra = [str(v) for v in details.values() if isinstance(v, str) and v not in exc.message]
    return " ".join([exc.message, *extra])


@bp.get("")
@login_required
def index():
    year = request.args.get("year", type=bounded_int)
    choices = queries.status_choices(current_user)
    status = request.args.get("status") if request.args.get("status") in choices else None
    text = (request.args.get("q") or "").strip()[:200]
    mine = request.args.get("mine") == "1"
    before = request.args.get("before", type=bounded_int)
    flt = queries.DossierFilter(year=year, status=status, text=text, mine=mine)
    rows = queries.search(current_user, flt, before_id=before, limit=queries.PAGE_SIZE + 1)
    more = len(rows) > queries.PAGE_SIZE
    rows = rows[: queries.PAGE_SIZE]
    args = {k: v for k, v in request.args.items() if k != "before"}
    older = url_for("dossiers.index", **args, before=rows[-1].id) if more else None
    return render_template(
        "dossiers/list.html",
        dossiers=rows,
        flt=flt,
        older=older,
        status_labels=DOSSIER_STATUS_LABELS,
        status_choices=choices,
        recorded=queries.destruction_lines(rows),
        filtered=bool(year or status or text or mine),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    year = request.args.get("year", type=bounded_int) or clock.local_today().year
    values, errors = {}, {}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            with unit_of_work():
                dossier = services.open_ad_hoc(
                    _me(),
                    title=values.get("title", ""),
                    notation=values.get("notation", ""),
                    maintenance=values.get("maintenance", ""),
                    retention_years=_int("retention_years"),
                    start_date=_date("start_date"),
                    rights=values.get("rights", "01"),
                    language=request.form.getlist("language") or ["01"],
                    kind=values.get("kind", "general"),
                    description=values.get("description"),
                    keywords=values.get("keywords"),
                )
        except DomainError as exc:
            if exc.status not in (409, 422):
                raise
            flash(exc.message, "danger")
            errors = exc.details if isinstance(exc.details, dict) else {}
        else:
            flash(f"Đã mở hồ sơ {dossier.file_code}.", "success")
            return redirect(url_for("dossiers.dossier", dossier_id=dossier.id))
    entries = services.plan_entries(current_user, year)
    opened = services.opened_entries([e.id for e in entries])
    return render_template(
        "dossiers/new.html",
        year=year,
        entries=entries,
        opened=opened,
        values=values,
        errors=errors,
        codes=codes,
        kinds=services.KINDS,
        heading_label=_heading_label,
        today=clock.local_today(),
    ), (422 if request.method == "POST" else 200)


def _heading_label(heading) -> str:
    """ "III. KINH TẾ", or "I. TỔ CHỨC — 1. Tuyển dụng" for a sub-heading (Phụ lục V.I.1 numerals)."""
    chain = [heading.parent, heading] if heading.parent is not None else [heading]
    return " — ".join(f"{plan.heading_numeral(h)}. {h.title}" for h in chain)


@bp.post("/entries/<int:entry_id>/open")
@login_required
def open_entry(entry_id: int):
    back = url_for("dossiers.new", year=request.form.get("year", ""))
    redirect_to, dossier = _act(lambda me: services.open_from_entry(me, entry_id), "Đã mở hồ sơ.", back)
    return redirect_to or redirect(url_for("dossiers.dossier", dossier_id=dossier.id))


@bp.get("/<int:dossier_id>")
@login_required
def dossier(dossier_id: int):
    found = services.get_dossier(current_user, dossier_id)
    rows = list(found.items)
    granted = grants.list_grants(current_user, found.id)
    suffix = f".{found.year}.{found.notation}"
    return render_template(
        "dossiers/dossier.html",
        dossier=found,
        items=rows,
        links=queries.item_links(rows),
        kinds=filing.KINDS,
        codes=codes,
        dossier_kinds=services.KINDS,
        status_labels=DOSSIER_STATUS_LABELS,
        can_edit=permissions.can_edit(current_user, found) and found.status in EDITABLE,
        can_grant=permissions.can_grant(current_user, found),
        grants=granted,
        names=_names({g.user_id for g in granted}),
        organ_id=found.file_code[: -len(suffix)] if found.file_code.endswith(suffix) else found.file_code,
        people=_people(found) if permissions.can_grant(current_user, found) else [],
        today=clock.local_today(),
    )


def _names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids))).all())


def _people(dossier) -> list[User]:
    """The people of the agency the head may let use the dossier."""
    query = sa.select(User).where(User.agency_id == dossier.agency_id, User.is_active.is_(True))
    return list(db.session.scalars(query.order_by(User.full_name)))


@bp.post("/<int:dossier_id>/describe")
@login_required
def describe(dossier_id: int):
    back = url_for("dossiers.dossier", dossier_id=dossier_id)
    form = request.form

    def act(me):
        values = {name: form.get(name) for name in ("description", "keywords", "rights", "kind")}
        values["language"] = form.getlist("language")
        values["settled_on"] = _date("settled_on")
        return services.describe_dossier(me, dossier_id, values, version=_int("version"))

    return _act(act, "Đã lưu thông tin hồ sơ.", back)[0] or redirect(back)


@bp.get("/<int:dossier_id>/add")
@login_required
def add(dossier_id: int):
    """Thêm văn bản: search the documents the person sees (số/ký hiệu, trích yếu), or upload a file."""
    return _add_page(dossier_id, (request.args.get("q") or "").strip()[:200])


UPLOAD_FIELDS = ("file", "subject", "dated_on", "pages", "author")  # the upload form's fields a refusal may name


def _add_page(dossier_id: int, text: str, *, sent: dict | None = None, upload_errors: dict | None = None):
    found = services.get_dossier(current_user, dossier_id)
    return render_template(
        "dossiers/add.html",
        dossier=found,
        q=text,
        candidates=items.candidates(current_user, text),
        can_edit=permissions.can_edit(current_user, found) and found.status in EDITABLE,
        accepted=items.ACCEPTED_LABEL,
        today=clock.local_today(),
        sent=sent or {},
        upload_errors=upload_errors or {},
    )


@bp.post("/<int:dossier_id>/items")
@login_required
def file_document(dossier_id: int):
    back = url_for("dossiers.add", dossier_id=dossier_id, q=request.form.get("q", ""))
    kind, object_id = request.form.get("kind", ""), _int("object_id")
    if object_id is None:
        abort(400)
    redirect_to, _item = _act(
        lambda me: items.file_document(me, dossier_id, kind, object_id, request.form.get("note")),
        "Đã lưu văn bản vào hồ sơ.",
        back,
    )
    return redirect_to or redirect(back)


@bp.post("/<int:dossier_id>/upload")
@login_required
def upload(dossier_id: int):
    back = url_for("dossiers.add", dossier_id=dossier_id)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        flash("Chọn tệp để tải lên.", "danger")
        return redirect(back)
    try:
        with unit_of_work():
            items.file_upload(
                _me(),
                dossier_id,
                filename=sent.filename,
                data=sent.read(),
                subject=request.form.get("subject"),
                dated_on=_date("dated_on"),
                author=request.form.get("author"),
                pages=_int("pages") or 0,
                note=request.form.get("note"),
            )
    except DomainError as exc:
        if exc.status not in (403, 409, 422):
            raise
        # The form comes back with what was typed and each reason under its field (the file must be chosen again).
        reason = _refusal_text(exc)
        flash(reason, "danger")
        fields = {k: str(v) for k, v in (exc.details or {}).items() if k in UPLOAD_FIELDS} if exc.details else {}
        return _add_page(dossier_id, "", sent=request.form.to_dict(), upload_errors=fields or {"file": reason}), 422
    flash("Đã lưu tài liệu vào hồ sơ.", "success")
    return redirect(url_for("dossiers.dossier", dossier_id=dossier_id))


@bp.post("/<int:dossier_id>/items/<int:item_id>/remove")
@login_required
def remove_item(dossier_id: int, item_id: int):
    back = url_for("dossiers.dossier", dossier_id=dossier_id)
    return _act(lambda me: items.remove(me, dossier_id, item_id), "Đã rút văn bản khỏi hồ sơ.", back)[0] or redirect(
        back
    )


@bp.get("/<int:dossier_id>/items/<int:item_id>/file")
@login_required
def item_file(dossier_id: int, item_id: int):
    item, data = items.item_file(current_user, dossier_id, item_id)
    # PDFs, images, sound and video open in the browser; anything else downloads.
    inline = (item.content_type or "").split("/")[0] in ("image", "audio", "video") or item.content_type == (
        "application/pdf"
    )
    inline = inline and request.args.get("download") != "1"
    return send_file(
        io.BytesIO(data), mimetype=item.content_type, as_attachment=not inline, download_name=item.filename
    )


@bp.post("/file")
@login_required
def file_from_document():
    """ "Lưu vào hồ sơ" on a document's page: file it into one of the person's open dossiers, then back there."""
    kind, object_id, dossier_id = request.form.get("kind", ""), _int("object_id"), _int("dossier_id")
    page = request.form.get("document_kind", "")
    document_id = _int("document_id")
    if None in (object_id, dossier_id, document_id) or page not in ("incoming", "outgoing"):
        abort(400)
    back = url_for(f"{page}.document", document_id=document_id)
    redirect_to, _item = _act(
        lambda me: items.file_document(me, dossier_id, kind, object_id), "Đã lưu văn bản vào hồ sơ.", back
    )
    return redirect_to or redirect(back)


@bp.post("/<int:dossier_id>/grants")
@login_required
def grant(dossier_id: int):
    back = url_for("dossiers.dossier", dossier_id=dossier_id) + "#grants"
    return _act(
        lambda me: grants.grant_access(
            me, dossier_id, _int("user_id") or 0, until=_date("until"), note=request.form.get("note")
        ),
        "Đã cho phép sử dụng hồ sơ.",
        back,
    )[0] or redirect(back)


@bp.post("/<int:dossier_id>/grants/<int:grant_id>/revoke")
@login_required
def revoke(dossier_id: int, grant_id: int):
    back = url_for("dossiers.dossier", dossier_id=dossier_id) + "#grants"
    return _act(lambda me: grants.revoke_access(me, dossier_id, grant_id), "Đã thu hồi quyền sử dụng.", back)[
        0
    ] or redirect(back)


def install(app) -> None:
    """The document pages' "Hồ sơ" panel (dossiers/_document_panel.html) asks `dossier_panel(kind, id)`: the lower
    incoming and outgoing modules include the partial without importing this one."""

    def dossier_panel(kind: str, document_id: int):
        return items.document_panel(current_user, kind, document_id)

    app.add_template_global(dossier_panel, "dossier_panel")

    def content_destruction_label(destruction_id: int | None) -> str:
        """The decision a document's content was destroyed by, for web/_content_destroyed.html."""
        from app.dossiers.models import DossierDestruction

        found = db.session.get(DossierDestruction, destruction_id) if destruction_id else None
        if found is None:
            return ""
        dated = f" ngày {found.decision_date:%d/%m/%Y}" if found.decision_date else ""
        return f" “{found.title}” (Quyết định số {found.decision_number}{dated})"

    app.add_template_global(content_destruction_label, "content_destruction_label")

"""Pages for registers (sổ đăng ký văn bản) and document types: clerks read, administrators change."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.transaction import unit_of_work
from app.documents import numbering, permissions, queries, services, symbols
from app.documents.forms import DocumentTypeForm, RegisterForm
from app.documents.models import RegisterKind
from app.org import queries as org_queries
from app.org.forms import choices
from app.org.models import Role
from app.org.permissions import managed_agency_ids
from app.web.helpers import role_required, show_errors

bp = Blueprint("documents", __name__, url_prefix="/registers", template_folder="templates")

VIEWERS = (Role.ADMIN, Role.CLERK)


def _agency(raw: str | None = None):
    """The agency the page is about: the user's own, or (administrators) one they manage; others answer 404."""
    raw = raw if raw is not None else request.args.get("agency")
    agency_id = int(raw) if raw and raw.isdigit() else current_user.agency_id
    if not permissions.can_view_registers(current_user, agency_id):
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    return org_queries.get_agency(agency_id)


def _require_manage(agency_id: int) -> None:
    if not permissions.can_manage(current_user, agency_id):
        raise PermissionDenied("Chỉ quản trị hệ thống được thay đổi sổ đăng ký và loại văn bản.")


def _agency_choices():
    managed = managed_agency_ids(current_user)
    return [(a.id, a.name) for a in org_queries.list_agencies(managed)] if len(managed) > 1 else []


def _type_choices(agency_id: int):
    return choices((t.code, f"{t.name} ({t.abbreviation or t.code})") for t in queries.list_document_types(agency_id))


@bp.get("", endpoint="registers")
@role_required(*VIEWERS)
def registers_view():
    agency = _agency()
    year = numbering.current_year()
    registers = queries.list_registers(agency.id)
    types = queries.list_document_types(agency.id, active_only=False)
    return render_template(
        "documents/registers.html",
        agency=agency,
        agencies=_agency_choices(),
        registers=registers,
        last_numbers=queries.last_numbers([r.id for r in registers], year),
        year=year,
        can_manage=permissions.can_manage(current_user, agency.id),
        type_names={t.code: t.name for t in types},
        samples={r.id: _samples(r, agency, types, year) for r in registers},
    )


def _samples(register, agency, types, year: int) -> list[tuple[str, str]]:
    """(type name, "01/QĐ-UBND") for the first types an outgoing register numbers: its numbering template."""
    if register.kind != RegisterKind.OUTGOING:
        return []
    chosen = [
        t for t in types if t.is_active and (not register.document_type_codes or t.code in register.document_type_codes)
    ]
    return [
        (t.name, symbols.sample_code(agency.abbreviation, t.abbreviation, normative=t.is_normative, year=year))
        for t in chosen[:3]
    ]


@bp.route("/new", methods=["GET", "POST"], endpoint="register_new")
@bp.route("/<int:register_id>/edit", methods=["GET", "POST"], endpoint="register_edit")
@role_required(Role.ADMIN)
def register_form(register_id: int | None = None):
    register = queries.get_register(register_id) if register_id else None
    agency = _agency(str(register.agency_id) if register else None)
    _require_manage(agency.id)
    form = RegisterForm(obj=register)
    form.document_type_codes.choices = _type_choices(agency.id)
    if register is not None:
        del form.kind  # a register's kind never changes: its numbers belong to it
    if form.validate_on_submit():
        fields = {
            "name": form.name.data,
            "code": form.code.data,
            "document_type_codes": form.document_type_codes.data or [],
            "is_active": form.is_active.data,
            "is_default": form.is_default.data,
        }
        try:
            with unit_of_work():
                if register is None:
                    register = services.create_register(
                        current_user, agency_id=agency.id, kind=form.kind.data, **fields
                    )
                else:
                    services.update_register(current_user, register.id, **fields)
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash(f"Đã lưu {register.name}.", "success")
            return redirect(url_for("documents.registers", agency=agency.id))
    status = 422 if request.method == "POST" else 200
    return render_template("documents/register_form.html", form=form, register=register, agency=agency), status


@bp.get("/document-types", endpoint="document_types")
@role_required(*VIEWERS)
def document_types_view(form: DocumentTypeForm | None = None, status: int = 200):
    agency = _agency()
    return render_template(
        "documents/document_types.html",
        agency=agency,
        agencies=_agency_choices(),
        types=queries.list_document_types(agency.id, search=request.args.get("q"), active_only=False),
        q=request.args.get("q", ""),
        form=form or DocumentTypeForm(),
        can_manage=permissions.can_manage(current_user, agency.id),
    ), status


@bp.post("/document-types", endpoint="document_type_create")
@role_required(Role.ADMIN)
def document_type_create():
    agency = _agency()
    _require_manage(agency.id)
    form = DocumentTypeForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                doc_type = services.create_document_type(
                    current_user,
                    agency_id=agency.id,
                    code=form.code.data,
                    name=form.name.data,
                    abbreviation=form.abbreviation.data,
                    category=form.category.data,
                )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash(f"Đã thêm loại văn bản {doc_type.name}.", "success")
            return redirect(url_for("documents.document_types", agency=agency.id))
    return document_types_view(form=form, status=422)


@bp.post("/document-types/<int:type_id>/toggle", endpoint="document_type_toggle")
@role_required(Role.ADMIN)
def document_type_toggle(type_id: int):
    doc_type = queries.get_document_type(type_id)
    if doc_type.is_global or not permissions.can_manage(current_user, doc_type.agency_id):
        raise NotFound("Không tìm thấy loại văn bản.", code="document_type_not_found")
    services.update_document_type(current_user, doc_type.id, is_active=not doc_type.is_active)
    state = "dùng lại" if doc_type.is_active else "ngừng dùng"
    flash(f"Đã {state} loại văn bản {doc_type.name}.", "success")
    return redirect(url_for("documents.document_types", agency=doc_type.agency_id))

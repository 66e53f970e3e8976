"""Pages for process designers (versions, deploy a BPMN with its forms) and administrators (cases in error)."""

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.errors import DomainError, ValidationError
from app.core.transaction import unit_of_work
from app.org.models import Role
from app.org.permissions import managed_agency_ids
from app.web.helpers import admin_required, role_required
from app.workflow import queries, services
from app.workflow.definitions import deploy, list_versions, referenced_forms
from app.workflow.forms import load_form_file
from app.workflow.models import STATUS_LABELS

bp = Blueprint("workflow_admin", __name__, url_prefix="/processes", template_folder="templates")


@bp.get("")
@role_required(Role.DESIGNER, Role.ADMIN)
def processes():
    return render_template("workflow/processes.html", versions=list_versions(current_user.agency_id), problems=[])


@bp.post("/deploy")
@role_required(Role.DESIGNER)
def deploy_upload():
    """Deploy an uploaded BPMN (and the JSON forms it needs: `<task_id>.json`, or found in forms/)."""
    upload = request.files.get("bpmn")
    problems = []
    try:
        if upload is None or not upload.filename:
            raise ValidationError("Chọn tệp BPMN để triển khai.", details={"bpmn": "Chưa chọn tệp."})
        xml = upload.read().decode("utf-8")
        given = {}
        for item in request.files.getlist("forms"):
            if item and item.filename:
                given[item.filename.rsplit("/", 1)[-1].removesuffix(".json")] = json.loads(item.read().decode("utf-8"))

        def lookup(key: str):
            return given.get(key.split("/", 1)[1]) or load_form_file(key)

        with unit_of_work():
            forms = referenced_forms(xml, lookup) if xml.strip().startswith("<") else {}
            versions = deploy(
                current_user._get_current_object(),
                xml,
                upload.filename,
                agency_id=current_user.agency_id,
                forms=forms,
                source=f"upload:{upload.filename}",
            )
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        flash(f"Tệp không đọc được: {exc}", "danger")
    except DomainError as exc:
        flash(exc.message, "danger")
        problems = getattr(exc, "problems", [])
    except Exception as exc:  # an unparsable XML body reaches here before validation can name it
        flash(f"Không triển khai được: {exc}", "danger")
    else:
        for version in versions:
            flash(f"Đã triển khai {version.name} — phiên bản {version.version}.", "success")
        return redirect(url_for("workflow_admin.processes"))
    return render_template(
        "workflow/processes.html", versions=list_versions(current_user.agency_id), problems=problems
    ), 422


@bp.get("/errors")
@admin_required
def errors():
    return render_template(
        "workflow/errors.html",
        instances=queries.instances_in_error(managed_agency_ids(current_user)),
        status_labels=STATUS_LABELS,
    )


@bp.post("/errors/<int:instance_id>/retry")
@admin_required
def retry(instance_id: int):
    instance = services.retry_instance(current_user._get_current_object(), instance_id)
    if instance.status == "error":
        flash(f"Vẫn lỗi: {instance.error_message}", "danger")
    else:
        flash(f"Đã chạy lại “{instance.title}”.", "success")
    return redirect(url_for("workflow_admin.errors"))

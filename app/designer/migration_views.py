"""Pages: move an agency's running cases of one version to a newer one (checked case by case, confirmed, audited)."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.core.errors import ValidationError
from app.core.inputs import bounded_int
from app.designer import migration
from app.org.models import Role
from app.web.helpers import role_required
from app.workflow.models import STATUS_LABELS

bp = Blueprint("designer_migration", __name__, url_prefix="/designer", template_folder="templates")


@bp.get("/<process_id>/migrate")
@role_required(Role.DESIGNER)
def choose(process_id: str):
    versions = migration.versions_of(current_user.agency_id, process_id)
    source_id = request.args.get("from", type=bounded_int)
    target_id = request.args.get("to", type=bounded_int)
    if source_id and not target_id and versions and versions[0].id != source_id:
        target_id = versions[0].id  # from the versions list: to the latest deploy
    source = target = error = None
    checks = []
    if source_id and target_id:
        try:
            source, target, checks = migration.check_cases(current_user, source_id, target_id)
        except ValidationError as exc:  # the same version twice, or an older target: say so beside the choice
            error = exc.message
    counts = {v.id: len(migration.open_cases(current_user.agency_id, v.id)) for v in versions}
    if not source_id:
        # Nothing chosen yet: the newest older version that has running cases (a rollback or a version nobody
        # started leaves the one just below the latest with none), else the one just below the latest.
        older = versions[1:]
        source_id = next((v.id for v in older if counts[v.id]), older[0].id if older else None)
    return render_template(
        "designer/migrate.html",
        process_id=process_id,
        versions=versions,
        counts=counts,
        source=source,
        target=target,
        checks=checks,
        error=error,
        chosen_source=source_id,
        status_labels=STATUS_LABELS,
    )


@bp.post("/<process_id>/migrate")
@role_required(Role.DESIGNER)
def run(process_id: str):
    source_id = request.form.get("from", type=bounded_int)
    target_id = request.form.get("to", type=bounded_int)
    ids = [int(v) for v in request.form.getlist("instance_id") if v.isdigit()]
    if request.form.get("confirmed") != "1":
        source, target, checks = migration.check_cases(current_user, source_id, target_id)
        chosen = [c for c in checks if c.instance.id in ids]
        return render_template(
            "designer/migrate_confirm.html", process_id=process_id, source=source, target=target, chosen=chosen
        )
    source, target, result = migration.migrate_cases(current_user._get_current_object(), source_id, target_id, ids)
    return render_template(
        "designer/migrate_result.html", process_id=process_id, source=source, target=target, result=result
    )

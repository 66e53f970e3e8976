"""The bottleneck heatmap page (/designer/<process_id>/heatmap) and its two fragments, fetched by the page's script:
the slowest cases of a task and the SLA what-if. All three read only; the what-if is a GET (it changes nothing)."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from app.core.errors import ValidationError
from app.designer import heatmap, periods, whatif
from app.designer.permissions import can_read_process_statistics

bp = Blueprint("designer_heatmap", __name__, url_prefix="/designer", template_folder="templates")


@bp.app_context_processor
def _statistics_link():
    """Pages elsewhere (the leaders' reports) show the link to the heatmap to those who may open it."""
    return {"can_read_process_statistics": can_read_process_statistics}


def _period():
    return periods.period_from(request.args.get("from"), request.args.get("to"))


@bp.get("/<process_id>/heatmap")
@login_required
def page(process_id: str):
    user = heatmap.require_reader(current_user)
    version = heatmap.current_version(process_id, user.agency_id)
    metric = request.args.get("metric", "median")
    if metric not in heatmap.METRICS:
        metric = "median"
    problem, period = None, periods.default_period()
    try:
        period = _period()
    except ValidationError as exc:
        problem = exc.message
    tasks = heatmap.task_stats(user.agency_id, process_id, period)
    colours = heatmap.heat(tasks, metric)
    return render_template(
        "designer/heatmap.html",
        version=version,
        period=period,
        metric=metric,
        metrics=heatmap.METRICS,
        tasks=tasks,
        colours=colours,
        diagram=heatmap.for_diagram(tasks, colours),
        scale=[heatmap.colour(f) for f in (0, 0.5, 1)],
        problem=problem,
        label=heatmap.working_time_label,
    )


@bp.get("/<process_id>/heatmap/<task_name>/slowest")
@login_required
def slowest(process_id: str, task_name: str):
    user = heatmap.require_reader(current_user)
    heatmap.current_version(process_id, user.agency_id)
    period = _period()
    cases = heatmap.slowest(user.agency_id, process_id, task_name, period)
    return render_template(
        "designer/heatmap_slowest.html", cases=cases, task_name=task_name, label=heatmap.working_time_label
    )


@bp.get("/<process_id>/heatmap/whatif")
@login_required
def what_if(process_id: str):
    user = heatmap.require_reader(current_user)
    try:
        result = whatif.what_if(
            user.agency_id,
            process_id,
            request.args.get("task_name", ""),
            request.args.get("sla", ""),
            _period(),
            urgent_sla=request.args.get("urgent_sla"),
        )
    except ValidationError as exc:
        return render_template("designer/heatmap_whatif.html", result=None, problem=exc.message), 422
    return render_template("designer/heatmap_whatif.html", result=result, problem=None)

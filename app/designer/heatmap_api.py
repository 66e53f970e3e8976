"""REST endpoints of the bottleneck heatmap and the SLA what-if (/api/v1/designer/processes/<process_id>/…)."""

from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.designer import heatmap, periods, whatif
from app.designer.heatmap_schemas import (
    HeatmapPeriodArgs,
    HeatmapSchema,
    HeatmapSlowCaseSchema,
    WhatIfArgs,
    WhatIfSchema,
)

blp = api_blueprint(
    "designer_heatmap_api", __name__, tag="Điểm nghẽn quy trình", description="Bản đồ điểm nghẽn, thử thời hạn"
)


@blp.route("/designer/processes/<process_id>/heatmap")
class Heatmap(MethodView):
    @blp.arguments(HeatmapPeriodArgs, location="query")
    @blp.response(200, HeatmapSchema)
    def get(self, args, process_id):
        """Theo từng bước: số việc hoàn thành, trung vị và phân vị 90 thời gian làm việc, tỷ lệ quá hạn trong kỳ."""
        user = heatmap.require_reader(api_user())
        period = periods.period_from(args["start"], args["end"])
        version = heatmap.current_version(process_id, user.agency_id)
        tasks = heatmap.task_stats(user.agency_id, process_id, period)
        return {
            "process_id": process_id,
            "version": version.version,
            "start": period.start,
            "end": period.end,
            "tasks": [t.as_dict() for t in tasks],
        }


@blp.route("/designer/processes/<process_id>/heatmap/<task_name>/slowest")
class Slowest(MethodView):
    @blp.arguments(HeatmapPeriodArgs, location="query")
    @blp.response(200, HeatmapSlowCaseSchema(many=True))
    def get(self, args, process_id, task_name):
        """20 việc chậm nhất của bước trong kỳ (theo thời gian làm việc)."""
        user = heatmap.require_reader(api_user())
        period = periods.period_from(args["start"], args["end"])
        heatmap.current_version(process_id, user.agency_id)
        return heatmap.slowest(user.agency_id, process_id, task_name, period)


@blp.route("/designer/processes/<process_id>/whatif")
class WhatIf(MethodView):
    @blp.arguments(WhatIfArgs)
    @blp.response(200, WhatIfSchema)
    def post(self, args, process_id):
        """Với thời hạn mới của một bước, bao nhiêu việc hoàn thành trong kỳ sẽ quá hạn (so với hiện nay)."""
        user = heatmap.require_reader(api_user())
        period = periods.period_from(args["start"], args["end"])
        result = whatif.what_if(
            user.agency_id, process_id, args["task_name"], args["sla"], period, urgent_sla=args["urgent_sla"]
        )
        return result.as_dict()

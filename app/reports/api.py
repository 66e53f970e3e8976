"""REST endpoints under /api/v1/reports: the same figures as the pages, with the same permission checks and the
same period rules (errors `period_missing`, `period_invalid`, `period_reversed`, `period_too_long`)."""

from app.api import api_blueprint
from app.api.auth import api_user
from app.core.errors import NotFound
from app.reports import periods, services
from app.reports.permissions import exchange_scope, handling_scope
from app.reports.schemas import (
    DashboardArgs,
    DashboardSchema,
    ExchangeArgs,
    ExchangeSchema,
    HandlingArgs,
    HandlingSchema,
)

blp = api_blueprint("reports_api", __name__, tag="Báo cáo", description="Bảng theo dõi, báo cáo và thống kê")


def _period(args: dict) -> periods.Period:
    """The API never guesses a period: `start` and `end` (or a standard period) are required."""
    return periods.from_args({k: v for k, v in args.items() if v is not None}, default=False)


@blp.route("/reports/dashboard")
@blp.arguments(DashboardArgs, location="query")
@blp.response(200, DashboardSchema)
def dashboard(args):
    """Bảng theo dõi của lãnh đạo: đang xử lý, đến hạn hôm nay, quá hạn; hoàn thành đúng / trễ hạn trong kỳ;
    theo đơn vị, theo người; thời gian xử lý trung bình và phân vị 90 (phút làm việc); xu hướng theo tuần;
    danh sách việc quá hạn."""
    handling_scope(api_user(), args["unit_id"])  # refused before the period is even read
    filters = {k: args[k] for k in ("unit_id", "process_id", "type_name", "urgency")}
    return services.dashboard(api_user(), _period(args), **filters)


@blp.route("/reports/handling/<kind>")
@blp.arguments(HandlingArgs, location="query")
@blp.response(200, HandlingSchema)
def handling(args, kind):
    """Báo cáo tình hình giải quyết văn bản đến (`incoming`) hoặc đi (`outgoing`) theo đơn vị."""
    if kind not in ("incoming", "outgoing"):
        raise NotFound("Không tìm thấy báo cáo.", code="report_not_found")
    handling_scope(api_user(), args["unit_id"])
    return services.handling_report(api_user(), kind, _period(args), unit_id=args["unit_id"])


@blp.route("/reports/exchange")
@blp.arguments(ExchangeArgs, location="query")
@blp.response(200, ExchangeSchema)
def exchange(args):
    """Thống kê gửi, nhận văn bản điện tử theo cơ quan (tháng, quý, 6 tháng, năm hoặc khoảng ngày);
    bỏ trống agency_id: mọi cơ quan người gọi được xem (quản trị: toàn tỉnh)."""
    exchange_scope(api_user(), args["agency_id"])
    return services.exchange_report(api_user(), _period(args), agency_id=args["agency_id"])

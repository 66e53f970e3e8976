"""REST endpoints: compute a deadline; read and change calendars and their overrides (administrators)."""

from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.core import clock
from app.core.errors import NotFound, PermissionDenied
from app.org import queries as org_queries
from app.org.permissions import managed_agency_ids
from app.sla import calendar, queries, services, settings
from app.sla.permissions import can_read_calendar
from app.sla.schemas import (
    CalendarArgs,
    CalendarSchema,
    DueArgs,
    DueSchema,
    HoursUpdateArgs,
    OverrideCreateArgs,
    OverrideListArgs,
    OverrideSchema,
    SlaSettingsArgs,
    SlaSettingsSchema,
    SlaSettingsUpdateArgs,
)

blp = api_blueprint("sla_api", __name__, tag="Lịch làm việc", description="Lịch làm việc và hạn xử lý")


def _existing_agency_id(agency_id: int | None) -> int | None:
    """The agency asked for, if it exists and the caller may read its calendar; another agency's is not found."""
    if agency_id is None:
        return None
    if not can_read_calendar(api_user(), agency_id):
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    return org_queries.get_agency(agency_id).id


@blp.route("/calendars/due")
@blp.arguments(DueArgs, location="query")
@blp.response(200, DueSchema)
def due(args):
    """Tính hạn xử lý theo lịch làm việc của cơ quan (mặc định: cơ quan của người gọi)."""
    agency_id = args["agency_id"] if args["agency_id"] is not None else api_user().agency_id
    agency_id = _existing_agency_id(agency_id)
    start = calendar.parse_instant(args["start"])
    spec = settings.resolve_rule(args["spec"], agency_id)
    result = calendar.due(start, spec, agency_id)
    return {
        "start": clock.to_local(start).isoformat(),
        "spec": spec.normalized,
        "agency_id": agency_id,
        "due": clock.to_local(result).isoformat(),
        "due_utc": result.isoformat(),
    }


@blp.route("/calendars")
class Calendars(MethodView):
    @blp.arguments(CalendarArgs, location="query")
    @blp.response(200, CalendarSchema)
    def get(self, args):
        """Giờ làm việc đang áp dụng cho cơ quan (bỏ trống agency_id: lịch mặc định)."""
        return queries.effective_hours(_existing_agency_id(args["agency_id"]))

    @blp.arguments(HoursUpdateArgs)
    @blp.response(200, CalendarSchema)
    def put(self, args):
        """Đặt giờ làm việc riêng (hoặc use_default=true để dùng lại lịch mặc định). Chỉ quản trị."""
        agency_id = _existing_agency_id(args["agency_id"])
        if args["use_default"]:
            services.use_default_hours(api_user(), agency_id)
        else:
            services.update_hours(
                api_user(), agency_id, sessions=args["sessions"], weekdays=args["weekdays"], seasons=args["seasons"]
            )
        return queries.effective_hours(agency_id)


@blp.route("/calendars/overrides")
class Overrides(MethodView):
    @blp.arguments(OverrideListArgs, location="query")
    @blp.response(200, OverrideSchema(many=True))
    def get(self, args):
        """Ngày nghỉ / làm bù do quản trị điều chỉnh trong lịch (không gồm ngày lễ). Chỉ quản trị."""
        managed = managed_agency_ids(api_user())
        if not managed:
            raise PermissionDenied("Chỉ quản trị hệ thống được xem điều chỉnh lịch làm việc.")
        if args["agency_id"] is not None and args["agency_id"] not in managed:
            raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
        return queries.list_overrides(args["agency_id"], args["year"])

    @blp.arguments(OverrideCreateArgs)
    @blp.response(201, OverrideSchema)
    def post(self, args):
        """Thêm ngày nghỉ hoặc ngày làm việc bù. Chỉ quản trị."""
        return services.add_override(
            api_user(), _existing_agency_id(args["agency_id"]), day=args["day"], kind=args["kind"], note=args["note"]
        )


@blp.route("/calendars/overrides/<int:override_id>", methods=["DELETE"])
@blp.response(204)
def delete_override(override_id):
    """Bỏ một điều chỉnh. Chỉ quản trị."""
    services.remove_override(api_user(), override_id)


# --- deadline settings ----------------------------------------------------------------------------------


def _with_preview(values: dict) -> dict:
    lines = settings.preview(values["agency_id"])
    return {**values, "preview": [{**line, "due": clock.to_local(line["due"]).isoformat()} for line in lines]}


@blp.route("/sla-settings")
class SlaSettings(MethodView):
    @blp.arguments(SlaSettingsArgs, location="query")
    @blp.response(200, SlaSettingsSchema)
    def get(self, args):
        """Thiết lập thời hạn xử lý của cơ quan (mặc định: cơ quan của người gọi).

        Theo từng mức độ khẩn: tính theo giờ đồng hồ hay giờ làm việc và thời hạn; giá trị của các quy tắc mà
        quy trình BPMN gọi tên (`sla: intake`…); kèm hạn tiếp nhận của văn bản đến vào lúc này.
        """
        agency_id = _existing_agency_id(args["agency_id"] or api_user().agency_id)
        return _with_preview(settings.effective_settings(agency_id))

    @blp.arguments(SlaSettingsUpdateArgs)
    @blp.response(200, SlaSettingsSchema)
    def put(self, args):
        """Sửa thiết lập thời hạn xử lý. Chỉ quản trị của cơ quan.

        Mức độ khẩn và quy tắc không gửi giữ nguyên giá trị; lỗi trả về mã `invalid_sla_settings` với `details`
        theo từng trường (`urgency.hoa_toc.duration`, `rules.intake`…).
        """
        agency_id = _existing_agency_id(args["agency_id"] or api_user().agency_id)
        values = settings.update_settings(api_user(), agency_id, urgency=args["urgency"], rules_values=args["rules"])
        return _with_preview(values)

    @blp.arguments(SlaSettingsArgs, location="query")
    @blp.response(200, SlaSettingsSchema)
    def delete(self, args):
        """Bỏ thiết lập riêng, dùng lại thiết lập mặc định. Chỉ quản trị của cơ quan."""
        agency_id = _existing_agency_id(args["agency_id"] or api_user().agency_id)
        return _with_preview(settings.reset_settings(api_user(), agency_id))

"""REST endpoints of the modeler: check and deploy a diagram for a process, preview an SLA's deadline."""

from flask import jsonify
from flask.views import MethodView
from marshmallow import Schema, fields

from app.api import api_blueprint
from app.api.auth import api_user
from app.core.errors import ValidationError
from app.core.transaction import unit_of_work
from app.designer import modeler

blp = api_blueprint(
    "designer_modeler_api", __name__, tag="Thiết kế quy trình: trình soạn BPMN", description="Kiểm tra, triển khai"
)


class ModelerDeployArgs(Schema):
    bpmn = fields.Str(required=True, metadata={"description": "Sơ đồ BPMN (XML)"})
    comment = fields.Str(load_default="", metadata={"description": "Ghi chú phiên bản"})
    based_on_id = fields.Int(load_default=None, allow_none=True, metadata={"description": "Phiên bản đã sửa"})


class ModelerProblemSchema(Schema):
    element_id = fields.Str()
    message = fields.Str()


class ModelerCheckSchema(Schema):
    valid = fields.Bool()
    problems = fields.List(fields.Nested(ModelerProblemSchema))


class ModelerDeployedSchema(Schema):
    id = fields.Int()
    process_id = fields.Str()
    name = fields.Str()
    version = fields.Int()
    display_name = fields.Str(metadata={"description": "Số phiên bản kèm phạm vi, vd. “phiên bản 2 của cơ quan”"})
    comment = fields.Str(allow_none=True)
    based_on_id = fields.Int(allow_none=True)
    created = fields.Bool(metadata={"description": "false: sơ đồ không đổi, không có phiên bản mới"})


class SlaPreviewArgs(Schema):
    spec = fields.Str(required=True, metadata={"description": "Giá trị sla/urgent_sla, ví dụ PT2H, P3D, intake"})
    urgent = fields.Bool(load_default=False, metadata={"description": "Tính như urgent_sla cho văn bản khẩn"})


class SlaPreviewSchema(Schema):
    due_at = fields.DateTime(allow_none=True)
    due_label = fields.Str(allow_none=True)
    problem = fields.Str(allow_none=True)


@blp.route("/designer/processes/<process_id>/validate")
class Validate(MethodView):
    @blp.arguments(ModelerDeployArgs)
    @blp.response(200, ModelerCheckSchema)
    def post(self, args, process_id):
        """Kiểm tra sơ đồ như khi triển khai (không triển khai); mỗi lỗi gắn với mã phần tử."""
        problems = modeler.check(api_user(), process_id, args["bpmn"])
        return {"valid": not problems, "problems": problems}


@blp.route("/designer/processes/<process_id>/deploy")
class Deploy(MethodView):
    @blp.arguments(ModelerDeployArgs)
    @blp.response(201, ModelerDeployedSchema)
    @blp.alt_response(422, description="invalid_bpmn: details ghi từng lỗi theo mã phần tử (mã → thông báo)")
    def post(self, args, process_id):
        """Triển khai sơ đồ thành phiên bản mới của cơ quan; sơ đồ sai bị từ chối, không triển khai gì."""
        try:
            with unit_of_work():
                version, created = modeler.deploy_from_modeler(
                    api_user(), process_id, args["bpmn"], comment=args["comment"], based_on_id=args["based_on_id"]
                )
        except ValidationError as error:
            if error.code != "invalid_bpmn":
                raise
            # `details` stays a flat map, as every JSON error's: "bpmn" → all problems, and each element id → its
            # own (one a line), so a client pins them on the diagram; /validate gives the same as a list.
            details = {"bpmn": error.details.get("bpmn", error.message)}
            for problem in modeler.problems_of(error):
                known = details.get(problem["element_id"])
                details[problem["element_id"]] = f"{known}\n{problem['message']}" if known else problem["message"]
            response = jsonify(code=error.code, message=error.message, details=details)
            response.status_code = 422
            return response
        fields_ = ("id", "process_id", "name", "version", "display_name", "comment", "based_on_id")
        return {**{name: getattr(version, name) for name in fields_}, "created": created}


@blp.route("/designer/sla-preview")
class SlaPreview(MethodView):
    @blp.arguments(SlaPreviewArgs, location="query")
    @blp.response(200, SlaPreviewSchema)
    def get(self, args):
        """Hạn xử lý nếu một bước có thời hạn này bắt đầu lúc này, theo lịch làm việc của cơ quan."""
        return modeler.sla_preview(api_user(), args["spec"], urgent=args["urgent"])

"""REST endpoint: a case on its process diagram (the path taken, the current steps, who did what when)."""

from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema
from app.workflow import case_path
from app.workflow.diagram_schemas import CaseDiagramSchema

blp = api_blueprint("case_diagram_api", __name__, tag="Sơ đồ xử lý", description="Hồ sơ trên sơ đồ quy trình của nó")


@blp.route("/cases/<int:instance_id>/diagram")
class CaseDiagram(MethodView):
    @blp.response(200, CaseDiagramSchema)
    @blp.alt_response(404, schema=ErrorSchema)
    def get(self, instance_id):
        """Sơ đồ xử lý của hồ sơ: BPMN của phiên bản hồ sơ đang chạy, các bước đã qua, bước hiện tại, người xử lý."""
        return case_path.as_json(case_path.case_path_for(api_user(), instance_id))

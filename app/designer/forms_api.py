"""REST endpoints of the designer's forms (/api/v1/designer/forms…): list, read, save, reset, preview."""

from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.core.transaction import unit_of_work
from app.designer import forms_service
from app.designer.forms_schemas import (
    DesignerFormSchema,
    DesignerFormSummarySchema,
    FormDefinitionInSchema,
    FormPreviewInSchema,
    FormPreviewSchema,
)
from app.designer.forms_views import render_preview

blp = api_blueprint(
    "designer_forms_api", __name__, tag="Biểu mẫu công việc", description="Biểu mẫu của các bước quy trình"
)


def _designer():
    user = api_user()
    forms_service.require_designer(user)
    return user


def _as_dict(edited) -> dict:
    return {
        "key": edited.key,
        "scope": edited.scope,
        "has_global": edited.has_global,
        "definition": edited.definition,
        "updated_at": edited.own.updated_at if edited.own else None,
    }


@blp.route("/designer/forms")
class Forms(MethodView):
    @blp.response(200, DesignerFormSummarySchema(many=True))
    def get(self):
        """Các biểu mẫu cơ quan có thể gắn vào bước: của cơ quan (thay bản mặc định cùng mã) và mặc định."""
        return forms_service.form_list(_designer())


@blp.route("/designer/forms/preview")
class FormPreview(MethodView):
    @blp.arguments(FormPreviewInSchema)
    @blp.response(200, FormPreviewSchema)
    def post(self, body):
        """Xem trước: HTML do chính bộ hiển thị của hộp việc dựng, hoặc các lỗi của biểu mẫu (khi đó html rỗng)."""
        user = _designer()
        if "text" in body:
            form, problems = forms_service.parse_definition(body["text"])
        else:
            form, problems = body.get("definition"), forms_service.definition_problems(body.get("definition"))
        html = render_preview(form, problems, user.agency_id, user.id)
        return {"html": "" if problems else html, "problems": problems}


@blp.route("/designer/forms/<path:key>")
class Form(MethodView):
    @blp.response(200, DesignerFormSchema)
    def get(self, key):
        """Biểu mẫu cơ quan đang dùng cho mã này: bản riêng của cơ quan, nếu không có thì bản mặc định."""
        return _as_dict(forms_service.edited_form(_designer(), key))

    @blp.arguments(FormDefinitionInSchema)
    @blp.response(200, DesignerFormSchema)
    def put(self, body, key):
        """Lưu bản riêng của cơ quan (chỉ khi hợp lệ; lỗi: 422 invalid_form). Lần triển khai sau sẽ dùng nó."""
        user = _designer()
        with unit_of_work():
            forms_service.save_form(user, key, body["definition"])
        return _as_dict(forms_service.edited_form(user, key))

    @blp.response(204)
    def delete(self, key):
        """Khôi phục biểu mẫu mặc định: xóa bản riêng của cơ quan."""
        user = _designer()
        with unit_of_work():
            forms_service.reset_form(user, key)

"""REST API under /api/v1: bearer tokens, JSON errors `{code, message, details}`, OpenAPI + local docs page."""

from flask import Flask
from flask_smorest import Api, Blueprint

from app.api.schemas import ErrorSchema
from app.extensions import csrf


class QlvbApi(Api):
    ERROR_SCHEMA = ErrorSchema  # document our {code, message, details}, not flask-smorest's default


def api_blueprint(name: str, import_name: str, *, public: bool = False, **kwargs) -> Blueprint:
    """A blueprint of the REST API: every request needs a bearer token (unless `public`: signing in for one);
    cookies (and so CSRF) play no part."""
    from app.api.auth import require_token

    blp = Blueprint(name, import_name, **kwargs)
    if not public:
        blp.before_request(require_token)
    csrf.exempt(blp)
    return blp


def init_api(app: Flask) -> None:
    from app.copies.api import blp as copies_blp
    from app.documents.api import blp as documents_blp
    from app.incoming.api import blp as incoming_blp
    from app.org.api import blp as org_blp
    from app.org.api import tokens_blp
    from app.outgoing.api import blp as outgoing_blp
    from app.signing.api import blp as signing_blp
    from app.sla.api import blp as sla_blp
    from app.workflow.api import blp as workflow_blp

    # One Api per app: flask-smorest keeps the spec on the instance.
    api = QlvbApi(app)
    app.extensions["qlvb.api"] = api
    for blp in (
        tokens_blp,
        org_blp,
        sla_blp,
        workflow_blp,
        documents_blp,
        incoming_blp,
        outgoing_blp,
        copies_blp,
        signing_blp,
    ):
        api.register_blueprint(blp, url_prefix="/api/v1")

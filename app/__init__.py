"""qlvb — Hệ thống quản lý văn bản và điều hành.

`create_app(config)` builds the Flask application: extensions, blueprints, error handlers, CLI.
"""

import importlib
import logging
import os

import sqlalchemy.orm as sa_orm
from flask import Flask

from app.config import PROJECT_ROOT, Config


class QlvbFlask(Flask):
    """Flask whose request body runs again when the embedded SQLite database refused it a lock."""

    def dispatch_request(self):
        from flask import request

        from app.core.transaction import retrying

        def rewind_uploads() -> None:
            for upload in request.files.values():
                upload.stream.seek(0)

        return retrying(super().dispatch_request, before_retry=rewind_uploads)


def create_app(config: Config | None = None) -> Flask:
    config = config or Config()
    app = QlvbFlask(__name__, instance_path=config.INSTANCE_PATH, static_folder="web/static", static_url_path="/static")
    app.config.from_object(config)
    from app.core.inputs import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route: ids beyond the database's range → 404
    app.json.ensure_ascii = False  # Vietnamese stays readable in JSON
    os.makedirs(app.instance_path, exist_ok=True)
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.getLogger("spiff").setLevel(logging.WARNING)  # a line per task state change is noise
    # pyHanko logs a traceback for every untrusted or altered signature; the verdict is in the report instead.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)

    register_extensions(app)
    register_blueprints(app)
    from app.web.errors import register_error_handlers

    register_error_handlers(app)
    from app.cli import register_cli

    register_cli(app)
    # Domain modules register their BPMN operations, form data sources, validators and actions as they load; a
    # worker may render a task form before anything imported them, so load them all with the app.
    from app.workflow.registry import known_operations

    known_operations()
    return app


def register_extensions(app: Flask) -> None:
    from app.core.db import configure_engine
    from app.core.storage import BlobStore
    from app.extensions import csrf, db, login_manager, migrate
    from app.models import import_all_models

    import_all_models()
    # Configure every mapper now, once, in the process that later forks the gunicorn workers: left to the first
    # query, it ran in whichever thread came first, under a global mutex a forked worker could inherit held.
    sa_orm.configure_mappers()
    importlib.import_module("app.workflow.handlers")  # signal receivers
    importlib.import_module("app.outgoing.handlers")  # statuses flowing back to the sender of văn bản đi
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    app.extensions["qlvb.blobs"] = BlobStore(app.config["BLOB_PATH"])


def register_blueprints(app: Flask) -> None:
    from app.api import init_api
    from app.copies.views import bp as copies_bp
    from app.documents.views import bp as documents_bp
    from app.incoming.views import bp as incoming_bp
    from app.org.admin_views import bp as admin_bp
    from app.org.views import bp as org_bp
    from app.outgoing.views import bp as outgoing_bp
    from app.signing.views import bp as signing_bp
    from app.sla.views import bp as sla_bp
    from app.web.views import bp as web_bp
    from app.web.views import init_web
    from app.workflow.admin_views import bp as workflow_admin_bp
    from app.workflow.views import bp as workflow_bp

    init_web(app)
    app.register_blueprint(web_bp)
    app.register_blueprint(org_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(workflow_bp)
    app.register_blueprint(workflow_admin_bp)
    app.register_blueprint(incoming_bp)
    app.register_blueprint(outgoing_bp)
    app.register_blueprint(sla_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(copies_bp)
    app.register_blueprint(signing_bp)
    init_api(app)

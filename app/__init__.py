"""qlvb — Hệ thống quản lý văn bản và điều hành.

`create_app(config)` builds the Flask application: extensions, error handlers, then what every module declares
(app.modules: pages, REST API, CLI commands, navigation, what it gives the workflow engine).
"""

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
    from app.commands import register_cli
    from app.modules import install_engine_extensions, register_modules
    from app.web.errors import register_error_handlers

    register_cli(app)
    register_modules(app)  # every module's pages, API, CLI and navigation, as it declares them (app.modules)
    install_engine_extensions()
    register_error_handlers(app)  # after the API: flask-smorest registers handlers of its own, ours replace them
    return app


def register_extensions(app: Flask) -> None:
    from app.core.db import configure_engine
    from app.core.storage import BlobStore
    from app.extensions import csrf, db, login_manager, migrate
    from app.maintenance import referenced_blobs
    from app.modules import connect_receivers, import_models

    import_models()
    # Configure every mapper now, once, in the process that later forks the gunicorn workers: left to the first
    # query, it ran in whichever thread came first, under a global mutex a forked worker could inherit held.
    sa_orm.configure_mappers()
    connect_receivers()
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    app.extensions["qlvb.blobs"] = BlobStore(app.config["BLOB_PATH"], referenced=referenced_blobs)

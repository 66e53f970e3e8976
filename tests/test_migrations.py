"""The migration graph has one head, builds an empty database, matches the models and can go back down."""

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app import create_app
from app.config import PROJECT_ROOT, TestConfig
from app.core.db import db
from app.documents.fulltext.models import is_unmodelled
from tests.conftest import fresh_database_url


def test_migration_graph_has_one_head():
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations"))
    assert len(script.get_heads()) == 1


def test_migrations_build_an_empty_database_that_matches_the_models(tmp_path):
    app = create_app(TestConfig(fresh_database_url(tmp_path, "migrations"), tmp_path))
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            # The search index is dialect-specific DDL no model describes (FTS5 table, GIN expression index).
            opts = {"compare_type": True, "include_object": lambda _obj, name, *_: not is_unmodelled(name)}
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        flask_migrate.downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()

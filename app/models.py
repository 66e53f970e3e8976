"""Import every module's models so that SQLAlchemy's metadata (and Alembic) sees the whole schema."""


def import_all_models() -> None:
    import app.audit.models
    import app.copies.models
    import app.documents.models
    import app.exchange.models
    import app.incoming.models
    import app.org.models
    import app.outgoing.models
    import app.signing.models
    import app.sla.models
    import app.workflow.models  # noqa: F401

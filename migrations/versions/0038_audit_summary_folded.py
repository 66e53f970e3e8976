"""audit: each event's summary without diacritics, so the audit log's "Nội dung" search ignores them

"dang ky van ban" finds "Đăng ký văn bản đến số 12"; SQLite's lower() leaves non-ASCII letters alone, so ILIKE on
the summary itself found "Đăng" only typed exactly. The copy is not in the event's hash (app.audit.services.
canonical_json lists what is): a derived column, kept by the ORM (app.core.folding.keep_folded). Existing events are
folded here, a batch at a time: an agency's log holds millions.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-08 00:00:00

"""

import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

BATCH = 5000


def _fold(text):
    """app.core.folding.fold_vietnamese as of this revision (a migration never imports app code)."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def upgrade():
    op.add_column("audit_event", sa.Column("summary_folded", sa.String(length=500), nullable=True))
    bind = op.get_bind()
    table = sa.table("audit_event", sa.column("id"), sa.column("summary"), sa.column("summary_folded"))
    update = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("key"))
        .values(summary_folded=sa.bindparam("folded"))
    )
    after = 0
    while True:
        batch = bind.execute(
            sa.select(table.c.id, table.c.summary).where(table.c.id > after).order_by(table.c.id).limit(BATCH)
        ).all()
        if not batch:
            break
        bind.execute(update, [{"key": r.id, "folded": _fold(r.summary)[:500]} for r in batch])
        after = batch[-1].id


def downgrade():
    op.drop_column("audit_event", "summary_folded")

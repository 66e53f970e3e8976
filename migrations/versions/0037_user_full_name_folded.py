"""org: a person's full name without diacritics, for the searches by name (admin's list of accounts, audit log)

"nguyen van an" finds "Nguyễn Văn An", and "đặng" finds "Đặng" on SQLite too, whose lower() leaves non-ASCII
letters alone. The ORM keeps the copy (app.core.folding.keep_folded); existing accounts are folded here.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07 15:45:00

"""

import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def _fold(text):
    """app.core.folding.fold_vietnamese as of this revision (a migration never imports app code)."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("full_name_folded", sa.String(length=255), nullable=True))
    bind = op.get_bind()
    table = sa.table("user_account", sa.column("id"), sa.column("full_name"), sa.column("full_name_folded"))
    rows = [{"key": r.id, "folded": _fold(r.full_name)[:255]} for r in bind.execute(sa.select(table))]
    if rows:
        folded = sa.bindparam("folded")
        bind.execute(sa.update(table).where(table.c.id == sa.bindparam("key")).values(full_name_folded=folded), rows)


def downgrade():
    # Not batch mode: on SQLite it would copy user_account and drop the old table, which every foreign key names.
    op.drop_column("user_account", "full_name_folded")

"""incoming: the sender's name without diacritics, for search; who sees incoming documents (agency setting)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 19:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    from app.core.folding import fold_vietnamese

    with op.batch_alter_table('incoming_document') as batch:
        batch.add_column(sa.Column('sender_folded', sa.String(length=200), nullable=True))
    with op.batch_alter_table('agency') as batch:
        batch.add_column(sa.Column('open_incoming_to_staff', sa.Boolean(), server_default=sa.false(), nullable=False))
    bind = op.get_bind()
    table = sa.table('incoming_document', sa.column('id'), sa.column('sender_name'), sa.column('sender_folded'))
    for row in bind.execute(sa.select(table.c.id, table.c.sender_name)).all():
        folded = fold_vietnamese(row.sender_name)[:200]
        bind.execute(sa.update(table).where(table.c.id == row.id).values(sender_folded=folded))


def downgrade():
    with op.batch_alter_table('agency') as batch:
        batch.drop_column('open_incoming_to_staff')
    with op.batch_alter_table('incoming_document') as batch:
        batch.drop_column('sender_folded')

"""incoming: a document that updates, replaces or corrects an earlier one, linked to the earlier incoming copy

NĐ 30/2020 Điều 18.3; edXML Bussiness (BussinessDocType 2/3, the earlier DocumentId; legal.md §4.2).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 04:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incoming_document') as batch:
        batch.add_column(sa.Column('relation', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('related_key', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('related_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_incoming_document_related_id'), ['related_id'], unique=False)
        batch.create_foreign_key(
            batch.f('fk_incoming_document_related_id_incoming_document'),
            'incoming_document',
            ['related_id'],
            ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('incoming_document') as batch:
        batch.drop_constraint(batch.f('fk_incoming_document_related_id_incoming_document'), type_='foreignkey')
        batch.drop_index(batch.f('ix_incoming_document_related_id'))
        batch.drop_column('related_id')
        batch.drop_column('related_key')
        batch.drop_column('relation')

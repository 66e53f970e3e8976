"""documents: số/ký hiệu unique per agency and year across registers; Phụ lục VI metadata kept on the documents

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 04:15:00

NĐ 30/2020 Điều 15.1 (số và ký hiệu duy nhất trong một năm) and Phụ lục VI Phần II (FileCode, DocOrdinal,
Description, OrganName, FullName, the mã định danh văn bản).
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('document_key', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('organ_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('signer_full_name', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('file_code', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('doc_ordinal', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outgoing_document_document_key'), ['document_key'], unique=False)
        batch_op.create_index('uq_outgoing_agency_year_symbol', ['agency_id', 'number_year', 'symbol'], unique=True)

    with op.batch_alter_table('incoming_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_code', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('doc_ordinal', sa.Integer(), nullable=True))

    # Documents issued before this revision keep the names they carry today (the nearest record there is).
    op.execute(
        "UPDATE outgoing_document SET organ_name = (SELECT substr(agency.name, 1, 200) FROM agency "
        "WHERE agency.id = outgoing_document.agency_id) WHERE issued_at IS NOT NULL"
    )
    op.execute(
        "UPDATE outgoing_document SET signer_full_name = (SELECT substr(user_account.full_name, 1, 50) "
        "FROM user_account WHERE user_account.id = outgoing_document.signer_id) WHERE issued_at IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('incoming_document', schema=None) as batch_op:
        batch_op.drop_column('doc_ordinal')
        batch_op.drop_column('file_code')

    with op.batch_alter_table('outgoing_document', schema=None) as batch_op:
        batch_op.drop_index('uq_outgoing_agency_year_symbol')
        batch_op.drop_index(batch_op.f('ix_outgoing_document_document_key'))
        batch_op.drop_column('doc_ordinal')
        batch_op.drop_column('file_code')
        batch_op.drop_column('signer_full_name')
        batch_op.drop_column('organ_name')
        batch_op.drop_column('document_key')
        batch_op.drop_column('description')

"""incoming: the record of a recall that destroyed a văn bản đến (NĐ 30 Phụ lục VI III.8.b–c)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 04:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'recall_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('incoming_document_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('message_id', sa.String(length=100), nullable=True),
        sa.Column('document_key', sa.String(length=100), nullable=True),
        sa.Column('sender_code', sa.String(length=35), nullable=True),
        sa.Column('sender_name', sa.String(length=200), nullable=False),
        sa.Column('code_number', sa.String(length=11), nullable=True),
        sa.Column('code_notation', sa.String(length=30), nullable=True),
        sa.Column('issued_date', sa.Date(), nullable=True),
        sa.Column('arrival_year', sa.Integer(), nullable=True),
        sa.Column('arrival_number', sa.Integer(), nullable=True),
        sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('request_note', sa.String(length=1000), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=False),
        sa.Column('decided_by_name', sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_recall_record_agency_id_agency')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_recall_record_decided_by_id_user_account')),
        sa.ForeignKeyConstraint(['incoming_document_id'], ['incoming_document.id'], name=op.f('fk_recall_record_incoming_document_id_incoming_document')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_recall_record_requested_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recall_record')),
        sa.UniqueConstraint('incoming_document_id', name=op.f('uq_recall_record_incoming_document_id')),
    )
    op.create_index(op.f('ix_recall_record_agency_id'), 'recall_record', ['agency_id'], unique=False)
    op.create_table(
        'recall_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('origin', sa.String(length=16), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=True),
        sa.Column('is_main', sa.Boolean(), nullable=False),
        sa.Column('fate', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['record_id'], ['recall_record.id'], name=op.f('fk_recall_file_record_id_recall_record')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recall_file')),
    )
    op.create_index(op.f('ix_recall_file_record_id'), 'recall_file', ['record_id'], unique=False)
    op.create_index('ix_recall_file_fate', 'recall_file', ['fate', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_recall_file_fate', table_name='recall_file')
    op.drop_index(op.f('ix_recall_file_record_id'), table_name='recall_file')
    op.drop_table('recall_file')
    op.drop_index(op.f('ix_recall_record_agency_id'), table_name='recall_record')
    op.drop_table('recall_record')

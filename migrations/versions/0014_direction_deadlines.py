"""incoming: per-assignee deadlines (agency setting), extension requests, returns and progress notes

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 04:20:00
"""
from alembic import op
import sqlalchemy as sa



revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agency') as batch:
        batch.add_column(sa.Column('due_after_lead_allowed', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'incoming_extension',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.String(length=1000), nullable=False),
        sa.Column('proposed_date', sa.Date(), nullable=False),
        sa.Column('previous_date', sa.Date(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(['assignment_id'], ['incoming_assignment.id']),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['document_id'], ['incoming_document.id']),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_incoming_extension_document', 'incoming_extension', ['document_id', 'status'])
    op.create_index(op.f('ix_incoming_extension_assignment_id'), 'incoming_extension', ['assignment_id'])
    op.create_table(
        'incoming_note',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('text', sa.String(length=2000), nullable=False),
        sa.Column('percent', sa.SmallInteger(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assignment_id'], ['incoming_assignment.id']),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['document_id'], ['incoming_document.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_incoming_note_document_id'), 'incoming_note', ['document_id'])


def downgrade():
    op.drop_index(op.f('ix_incoming_note_document_id'), table_name='incoming_note')
    op.drop_table('incoming_note')
    op.drop_index(op.f('ix_incoming_extension_assignment_id'), table_name='incoming_extension')
    op.drop_index('ix_incoming_extension_document', table_name='incoming_extension')
    op.drop_table('incoming_extension')
    with op.batch_alter_table('agency') as batch:
        batch.drop_column('due_after_lead_allowed')

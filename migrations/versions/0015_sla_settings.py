"""sla: agency deadline settings — calendar or working time per urgency level, values of named rules

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 04:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sla_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('urgency', sa.JSON(), nullable=False),
        sa.Column('rules', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_sla_settings_agency_id_agency')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_sla_settings_updated_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_settings')),
        sa.UniqueConstraint('agency_id', name=op.f('uq_sla_settings_agency_id')),
    )


def downgrade():
    op.drop_table('sla_settings')

"""escalation: agency policies, the per-task schedule, fired levels; human_task.opened_at (issue 11)

NĐ 30/2020 Phụ lục VI III.1.l–m: follow-up and reminders of due and overdue work. Open tasks that exist already
are put on the schedule, to be looked at by the first scan.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 07:20:00
"""
from alembic import op
import sqlalchemy as sa



revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('human_task') as batch:
        batch.add_column(sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'escalation_policy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('reminder_percent', sa.Integer(), nullable=False),
        sa.Column('grace', sa.String(length=32), nullable=False),
        sa.Column('escalate_to', sa.String(length=32), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_escalation_policy_agency_id_agency')),
        sa.ForeignKeyConstraint(
            ['updated_by_id'], ['user_account.id'], name=op.f('fk_escalation_policy_updated_by_id_user_account')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_policy')),
        sa.UniqueConstraint('agency_id', name=op.f('uq_escalation_policy_agency_id')),
    )
    op.create_table(
        'escalation_watch',
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('next_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['task_id'], ['human_task.id'], name=op.f('fk_escalation_watch_task_id_human_task'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('task_id', name=op.f('pk_escalation_watch')),
    )
    op.create_index(op.f('ix_escalation_watch_next_at'), 'escalation_watch', ['next_at'], unique=False)
    op.create_table(
        'escalation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=32), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('escalate_to', sa.String(length=32), nullable=True),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('fired_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recipient_ids', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_escalation_agency_id_agency')),
        sa.ForeignKeyConstraint(
            ['task_id'], ['human_task.id'], name=op.f('fk_escalation_task_id_human_task'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_escalation_unit_id_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation')),
        sa.UniqueConstraint('task_id', 'level', name='uq_escalation_task_level'),
    )
    op.create_index('ix_escalation_list', 'escalation', ['agency_id', 'level', 'fired_at'], unique=False)
    # Open tasks of before this revision: looked at by the first scan (it fires what is already due).
    op.execute(
        "INSERT INTO escalation_watch (task_id, next_at) "
        "SELECT id, created_at FROM human_task WHERE state IN ('ready', 'claimed')"
    )


def downgrade():
    op.drop_index('ix_escalation_list', table_name='escalation')
    op.drop_table('escalation')
    op.drop_index(op.f('ix_escalation_watch_next_at'), table_name='escalation_watch')
    op.drop_table('escalation_watch')
    op.drop_table('escalation_policy')
    with op.batch_alter_table('human_task') as batch:
        batch.drop_column('opened_at')

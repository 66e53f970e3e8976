"""working calendars: office hours per agency (default: agency_id NULL) and yearly overrides

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 01:14:18.270517

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    working_calendar = op.create_table('working_calendar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('sessions', sa.JSON(), nullable=True),
    sa.Column('weekdays', sa.JSON(), nullable=True),
    sa.Column('seasons', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_working_calendar_agency_id_agency')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_working_calendar_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_calendar')),
    sa.UniqueConstraint('agency_id', name=op.f('uq_working_calendar_agency_id'))
    )
    op.create_table('calendar_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('off', 'work')", name=op.f('ck_calendar_override_kind')),
    sa.ForeignKeyConstraint(['calendar_id'], ['working_calendar.id'], name=op.f('fk_calendar_override_calendar_id_working_calendar')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_calendar_override_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_override')),
    sa.UniqueConstraint('calendar_id', 'day', name='uq_calendar_override_calendar_day')
    )
    # The deployment default calendar exists from the start, with the built-in hours (sessions NULL), so that
    # services never race to create it: NULLs are distinct in a UNIQUE constraint on both databases.
    op.bulk_insert(working_calendar, [{'agency_id': None, 'version': 1}])


def downgrade():
    op.drop_table('calendar_override')
    op.drop_table('working_calendar')

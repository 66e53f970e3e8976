"""notifications: in-app notices, their queued e-mails, people's choices (issue 11)

NĐ 30/2020 Phụ lục VI III.1.m: reminders of due and overdue work.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 07:00:00
"""
from alembic import op
import sqlalchemy as sa



revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=True),
        sa.Column('object_type', sa.String(length=64), nullable=True),
        sa.Column('object_id', sa.String(length=64), nullable=True),
        sa.Column('dedupe_key', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_notification_agency_id_agency')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
        sa.UniqueConstraint('user_id', 'dedupe_key', name='uq_notification_user_key'),
    )
    op.create_index('ix_notification_user_unread', 'notification', ['user_id', 'read_at', 'id'], unique=False)
    op.create_table(
        'notification_email',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('to_address', sa.String(length=255), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.String(length=1000), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['notification_id'], ['notification.id'],
            name=op.f('fk_notification_email_notification_id_notification'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'], name=op.f('fk_notification_email_user_id_user_account')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_email')),
    )
    op.create_index('ix_notification_email_due', 'notification_email', ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_notification_email_user_id'), 'notification_email', ['user_id'], unique=False)
    op.create_table(
        'notification_preference',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email_enabled', sa.Boolean(), nullable=False),
        sa.Column('digest_enabled', sa.Boolean(), nullable=False),
        sa.Column('digest_last_sent_on', sa.Date(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'], name=op.f('fk_notification_preference_user_id_user_account')
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preference')),
    )


def downgrade():
    op.drop_table('notification_preference')
    op.drop_index(op.f('ix_notification_email_user_id'), table_name='notification_email')
    op.drop_index('ix_notification_email_due', table_name='notification_email')
    op.drop_table('notification_email')
    op.drop_index('ix_notification_user_unread', table_name='notification')
    op.drop_table('notification')

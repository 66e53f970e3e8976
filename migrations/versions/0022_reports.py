"""reports: stored working minutes of completed tasks, first acknowledgement of a delivery, report indexes

The leaders' dashboard and the required reports (NĐ 30/2020 Phụ lục VI III.6.a, V.2; seed 004 Điều 16.8) are
aggregate SQL over indexes: handling time is stored when a task completes (`human_task.working_minutes`, older rows
filled by `qlvb reports backfill`), the first answer of a recipient's system on `outgoing_recipient.acknowledged_at`
(filled here from the status history).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 07:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('human_task') as batch:
        batch.add_column(sa.Column('working_minutes', sa.Integer(), nullable=True))
        batch.create_index(
            'ix_human_task_agency_open', ['agency_id', 'state', 'due_sort'],
            postgresql_include=['unit_id', 'assignee_id', 'process_id', 'urgency'],
        )
        batch.create_index(
            'ix_human_task_agency_completed', ['agency_id', 'completed_at'],
            postgresql_include=['state', 'unit_id', 'assignee_id', 'process_id', 'urgency', 'due_at', 'working_minutes'],
        )
        batch.create_index(
            'ix_human_task_agency_created', ['agency_id', 'created_at'],
            postgresql_include=['unit_id', 'assignee_id', 'process_id', 'urgency'],
        )
    with op.batch_alter_table('incoming_document') as batch:
        batch.create_index(
            'ix_incoming_agency_arrived', ['agency_id', 'arrived_at'],
            postgresql_include=['id', 'status', 'channel', 'lead_unit_id', 'handling_due', 'due_date', 'completed_at'],
        )
    with op.batch_alter_table('outgoing_document') as batch:
        batch.create_index(
            'ix_outgoing_agency_created', ['agency_id', 'created_at'],
            postgresql_include=['status', 'drafting_unit_id', 'reply_due', 'issued_at'],
        )
        batch.create_index('ix_outgoing_agency_issued', ['agency_id', 'issued_at'])
    with op.batch_alter_table('outgoing_recipient') as batch:
        batch.add_column(sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
        batch.create_index(
            'ix_outgoing_recipient_report', ['document_id'],
            postgresql_include=['kind', 'delivery', 'dispatched_at', 'status_code', 'acknowledged_at'],
        )
    with op.batch_alter_table('outgoing_version') as batch:
        batch.create_index('ix_outgoing_version_sealed', ['document_id'], postgresql_include=['stage', 'credential_id'])
    with op.batch_alter_table('incoming_file') as batch:
        batch.create_index(
            'ix_incoming_file_signature', ['document_id'], postgresql_include=['is_main', 'signature_valid']
        )
    # The first answer of the recipient's clerk (02 refused, 03 accepted or later; not the automatic 01 Đã đến),
    # from the copies kept for the sender (app.outgoing.handlers).
    op.execute(
        "UPDATE outgoing_recipient SET acknowledged_at = (SELECT min(m.created_at) FROM status_message m "
        "WHERE m.object_type = 'outgoing_recipient' AND m.object_id = CAST(outgoing_recipient.id AS VARCHAR(64)) "
        "AND m.code IN ('02', '03', '04', '05', '06')) "
        "WHERE status_code IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('incoming_file') as batch:
        batch.drop_index('ix_incoming_file_signature')
    with op.batch_alter_table('outgoing_version') as batch:
        batch.drop_index('ix_outgoing_version_sealed')
    with op.batch_alter_table('outgoing_recipient') as batch:
        batch.drop_index('ix_outgoing_recipient_report')
        batch.drop_column('acknowledged_at')
    with op.batch_alter_table('outgoing_document') as batch:
        batch.drop_index('ix_outgoing_agency_issued')
        batch.drop_index('ix_outgoing_agency_created')
    with op.batch_alter_table('incoming_document') as batch:
        batch.drop_index('ix_incoming_agency_arrived')
    with op.batch_alter_table('human_task') as batch:
        batch.drop_index('ix_human_task_agency_created')
        batch.drop_index('ix_human_task_agency_completed')
        batch.drop_index('ix_human_task_agency_open')
        batch.drop_column('working_minutes')

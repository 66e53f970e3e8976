"""designer: an index of the task history by process and step, for the bottleneck heatmap and the SLA what-if

Both read one process's completed tasks of a period, step by step (`task_name`): in this order, with the columns the
aggregates read included, they are index-only scans on PostgreSQL, already sorted by step (issue 13 points 4–5).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 13:50:00
"""

from alembic import op


revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("human_task") as batch:
        batch.create_index(
            "ix_human_task_process_step",
            ["agency_id", "process_id", "task_name", "completed_at"],
            postgresql_include=["state", "urgency", "due_at", "working_minutes", "created_at"],
        )


def downgrade():
    with op.batch_alter_table("human_task") as batch:
        batch.drop_index("ix_human_task_process_step")

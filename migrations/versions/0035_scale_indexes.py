"""scale: indexes for a document's tasks and the incoming visibility rule (issue 15 item 9, bench/scale.py)

A document's page, its history and the handling steps look its tasks up by (object_type, object_id), and the
incoming visibility rule asks which documents a person completed tasks of or was assigned: at a province's
3 million tasks each was a scan of every task (a specialist's search took 4–6 s at 20 000 documents).

Revision ID: 0035
Revises: 0032
Create Date: 2026-12-06 20:13:01

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0035"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("human_task", schema=None) as batch_op:
        batch_op.create_index(
            "ix_human_task_completed_by",
            ["completed_by_id", "object_type"],
            unique=False,
            postgresql_include=["object_id"],
        )
        batch_op.create_index("ix_human_task_object", ["object_type", "object_id"], unique=False)

    with op.batch_alter_table("incoming_assignment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incoming_assignment_unit", ["unit_id"], unique=False, postgresql_include=["document_id"]
        )
        batch_op.create_index(
            "ix_incoming_assignment_user", ["user_id"], unique=False, postgresql_include=["document_id"]
        )


def downgrade():
    with op.batch_alter_table("incoming_assignment", schema=None) as batch_op:
        batch_op.drop_index("ix_incoming_assignment_user", postgresql_include=["document_id"])
        batch_op.drop_index("ix_incoming_assignment_unit", postgresql_include=["document_id"])

    with op.batch_alter_table("human_task", schema=None) as batch_op:
        batch_op.drop_index("ix_human_task_object")
        batch_op.drop_index("ix_human_task_completed_by", postgresql_include=["object_id"])

"""outgoing: index of deliveries waiting for acknowledgement (issue 14, seed 004 Điều 16.8)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 17:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

WAITING = "delivery = 'delivered' AND acknowledged_at IS NULL AND ack_flagged_at IS NULL"


def upgrade():
    with op.batch_alter_table("outgoing_recipient", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outgoing_recipient_unacknowledged",
            ["dispatched_at"],
            unique=False,
            sqlite_where=sa.text(WAITING),
            postgresql_where=sa.text(WAITING),
        )


def downgrade():
    with op.batch_alter_table("outgoing_recipient", schema=None) as batch_op:
        batch_op.drop_index("ix_outgoing_recipient_unacknowledged")

"""org: who holds a role, from an index alone (issue 15 item 9, the escalation scan at a province's scale)

The escalation scan finds each look's recipients by role (an agency's leaders, clerks, administrators; a step's
candidates): `user_account.id IN (SELECT user_id FROM user_role WHERE role = …)`. With an index on (role) alone each
lookup fetched every holder's row of the province — a heap page per holder, ~150 pages for the leaders — and on a
database much larger than the server's cache those pages are read again at almost every look. (role, user_id)
answers it from the index (a few pages); it replaces the index on (role), which it covers.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07 04:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_role", schema=None) as batch_op:
        batch_op.create_index("ix_user_role_role_user", ["role", "user_id"], unique=False)
        batch_op.drop_index("ix_user_role_role")


def downgrade():
    with op.batch_alter_table("user_role", schema=None) as batch_op:
        batch_op.create_index("ix_user_role_role", ["role"], unique=False)
        batch_op.drop_index("ix_user_role_role_user")

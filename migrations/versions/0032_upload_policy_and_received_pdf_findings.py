"""uploads: each agency's policy for received PDFs with active content; what a received PDF carried (issue 15)

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 19:55:17

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "upload_policy",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("active_pdf", sa.String(length=10), nullable=False),
        sa.Column("keep_original", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_upload_policy_agency_id_agency")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user_account.id"], name=op.f("fk_upload_policy_updated_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_upload_policy")),
    )
    with op.batch_alter_table("incoming_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("findings", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("disarmed", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("original_sha256", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("incoming_file", schema=None) as batch_op:
        batch_op.drop_column("original_sha256")
        batch_op.drop_column("disarmed")
        batch_op.drop_column("findings")
    op.drop_table("upload_policy")

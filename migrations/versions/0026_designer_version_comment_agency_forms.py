"""designer: a version's comment and the version it was based on; an agency's own task forms (issue 13)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 13:30:59.786560

"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agency_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_agency_form_agency_id_agency")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user_account.id"], name=op.f("fk_agency_form_updated_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_form")),
        sa.UniqueConstraint("agency_id", "key", name="uq_agency_form_key"),
    )
    with op.batch_alter_table("process_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("based_on_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_process_version_based_on_id_process_version"), "process_version", ["based_on_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("process_version", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_process_version_based_on_id_process_version"), type_="foreignkey")
        batch_op.drop_column("based_on_id")
        batch_op.drop_column("comment")
    op.drop_table("agency_form")

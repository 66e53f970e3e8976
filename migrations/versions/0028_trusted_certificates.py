"""signing: trusted certificates added by administrators (issue 13)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 13:36:07.752694

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trusted_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("subject_name", sa.String(length=1000), nullable=False),
        sa.Column("issuer_name", sa.String(length=1000), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("is_ca", sa.Boolean(), nullable=False),
        sa.Column("self_signed", sa.Boolean(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("certificate_der", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_trusted_certificate_agency_id_agency")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_trusted_certificate_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["disabled_by_id"], ["user_account.id"], name=op.f("fk_trusted_certificate_disabled_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_certificate")),
        sa.UniqueConstraint("agency_id", "fingerprint", name="uq_trusted_certificate_agency_fp"),
    )
    with op.batch_alter_table("trusted_certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trusted_certificate_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trusted_certificate_fingerprint"), ["fingerprint"], unique=False)


def downgrade():
    with op.batch_alter_table("trusted_certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trusted_certificate_fingerprint"))
        batch_op.drop_index(batch_op.f("ix_trusted_certificate_agency_id"))

    op.drop_table("trusted_certificate")

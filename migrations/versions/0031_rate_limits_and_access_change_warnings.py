"""security: sign-in rate limit counters, warnings of access-right changes (NĐ 30/2020 Phụ lục VI III.3.c)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 20:03:12.711129

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rate_limit_counter",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counter")),
    )
    with op.batch_alter_table("rate_limit_counter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_limit_counter_window_start"), ["window_start"], unique=False)

    op.create_table(
        "access_change_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_access_change_warning_agency_id_agency")),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["user_account.id"],
            name=op.f("fk_access_change_warning_confirmed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["audit_event.id"], name=op.f("fk_access_change_warning_event_id_audit_event")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_change_warning")),
        sa.UniqueConstraint("event_id", name=op.f("uq_access_change_warning_event_id")),
    )
    with op.batch_alter_table("access_change_warning", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_change_warning_agency_id"), ["agency_id"], unique=False)


def downgrade():
    with op.batch_alter_table("access_change_warning", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_change_warning_agency_id"))
    op.drop_table("access_change_warning")
    with op.batch_alter_table("rate_limit_counter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limit_counter_window_start"))
    op.drop_table("rate_limit_counter")

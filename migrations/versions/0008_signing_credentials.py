"""signing credentials: personal and organization keys (PKCS#12, encrypted at rest) with certificate and image

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 03:21:29.059079

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signing_credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject_name', sa.String(length=1000), nullable=False),
    sa.Column('issuer_name', sa.String(length=1000), nullable=False),
    sa.Column('serial', sa.String(length=64), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('not_after', sa.DateTime(timezone=True), nullable=False),
    sa.Column('certificate_der', sa.LargeBinary(), nullable=False),
    sa.Column('encrypted_p12', sa.LargeBinary(), nullable=False),
    sa.Column('encrypted_passphrase', sa.LargeBinary(), nullable=True),
    sa.Column('image_sha256', sa.String(length=64), nullable=False),
    sa.Column('image_width_pt', sa.Float(), nullable=False),
    sa.Column('image_height_pt', sa.Float(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deactivated_reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(kind = 'personal' AND user_id IS NOT NULL) OR (kind = 'organization' AND user_id IS NULL)", name=op.f('ck_signing_credential_owner')),
    sa.CheckConstraint("kind IN ('personal', 'organization')", name=op.f('ck_signing_credential_kind')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_signing_credential_agency_id_agency')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_signing_credential_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_signing_credential_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_credential')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_signing_credential_fingerprint'))
    )
    with op.batch_alter_table('signing_credential', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_credential_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signing_credential_user_id'), ['user_id'], unique=False)
        # One active personal credential per person, one active seal per agency.
        batch_op.create_index('uq_signing_credential_active_personal', ['user_id'], unique=True, sqlite_where=sa.text("active AND kind = 'personal'"), postgresql_where=sa.text("active AND kind = 'personal'"))
        batch_op.create_index('uq_signing_credential_active_seal', ['agency_id'], unique=True, sqlite_where=sa.text("active AND kind = 'organization'"), postgresql_where=sa.text("active AND kind = 'organization'"))


def downgrade():
    with op.batch_alter_table('signing_credential', schema=None) as batch_op:
        batch_op.drop_index('uq_signing_credential_active_seal', sqlite_where=sa.text("active AND kind = 'organization'"), postgresql_where=sa.text("active AND kind = 'organization'"))
        batch_op.drop_index('uq_signing_credential_active_personal', sqlite_where=sa.text("active AND kind = 'personal'"), postgresql_where=sa.text("active AND kind = 'personal'"))
        batch_op.drop_index(batch_op.f('ix_signing_credential_user_id'))
        batch_op.drop_index(batch_op.f('ix_signing_credential_agency_id'))

    op.drop_table('signing_credential')

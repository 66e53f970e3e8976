"""audit chain: keyed (HMAC) links, sealed at commit; server-side sessions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 18:40:00

Existing rows were linked with plain SHA-256. The old chain is verified first (a broken one is not laundered
into a valid keyed one: the upgrade stops), then re-linked under the audit key.
"""
import hashlib

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event') as batch:
        batch.alter_column('seq', existing_type=sa.BigInteger(), nullable=True)
        batch.alter_column('prev_hash', existing_type=sa.String(64), nullable=True)
        batch.alter_column('hash', existing_type=sa.String(64), nullable=True)

    op.create_index('ix_audit_event_login_failures', 'audit_event', ['action', 'ip', 'occurred_at'], unique=False)

    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_session_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash'))
    )
    op.create_index(op.f('ix_user_session_user_id'), 'user_session', ['user_id'], unique=False)

    _relink_under_the_key()


def _relink_under_the_key():
    from flask import current_app

    from app.audit.services import GENESIS, canonical_json, chain_hash, write_checkpoint

    bind = op.get_bind()
    table = sa.table('audit_event', *(sa.column(c) for c in (
        'id', 'seq', 'occurred_at', 'actor_id', 'actor_name', 'agency_id', 'action', 'object_type', 'object_id',
        'summary', 'changes', 'ip', 'user_agent', 'prev_hash', 'hash')))
    rows = bind.execute(sa.select(table).order_by(table.c.seq)).all()
    prev_plain = prev_keyed = GENESIS
    for row in rows:
        event = _Row(row)
        if row.prev_hash != prev_plain or hashlib.sha256((prev_plain + canonical_json(event)).encode()).hexdigest() != row.hash:
            raise RuntimeError(f"audit chain broken at seq {row.seq}: run `qlvb audit verify` on the old version first")
        prev_plain = row.hash
        keyed = chain_hash(prev_keyed, event)
        bind.execute(sa.update(table).where(table.c.id == row.id).values(prev_hash=prev_keyed, hash=keyed))
        prev_keyed = keyed
    if rows and current_app.config.get("AUDIT_CHECKPOINTS"):
        write_checkpoint(rows[-1].seq, prev_keyed)


class _Row:
    def __init__(self, row):
        self.__dict__.update(row._mapping)


def downgrade():
    op.drop_index(op.f('ix_user_session_user_id'), table_name='user_session')
    op.drop_table('user_session')
    op.drop_index('ix_audit_event_login_failures', table_name='audit_event')

"""workflow: the files forms put into a case's data, so the orphan-blob sweep knows them

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 01:30:00
"""
import json
import re
import zlib

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _files(value):
    """{"sha256", "name"} dicts anywhere in a case's serialized data (the shape of a form's file widget)."""
    if isinstance(value, dict):
        if isinstance(value.get("sha256"), str) and DIGEST.match(value["sha256"]):
            yield value["sha256"], str(value.get("name") or value["sha256"])[:255]
        for item in value.values():
            yield from _files(item)
    elif isinstance(value, list):
        for item in value:
            yield from _files(item)


def upgrade():
    op.create_table(
        'case_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['workflow_instance.id'], name=op.f('fk_case_file_instance_id_workflow_instance')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_file')),
        sa.UniqueConstraint('instance_id', 'sha256', name='uq_case_file_instance_blob'),
    )
    op.create_index(op.f('ix_case_file_sha256'), 'case_file', ['sha256'], unique=False)
    # Files already in running or finished cases: read once from each case's state.
    bind = op.get_bind()
    instances = sa.table('workflow_instance', sa.column('id'), sa.column('state'), sa.column('started_at'))
    files = sa.table('case_file', sa.column('instance_id'), sa.column('sha256'), sa.column('name'), sa.column('created_at'))
    for row in bind.execute(sa.select(instances.c.id, instances.c.state, instances.c.started_at)):
        try:
            data = json.loads(zlib.decompress(row.state)) if row.state else {}
        except (zlib.error, ValueError):
            continue
        found = dict(_files(data))
        for digest, name in found.items():
            bind.execute(sa.insert(files).values(instance_id=row.id, sha256=digest, name=name, created_at=row.started_at))


def downgrade():
    op.drop_index(op.f('ix_case_file_sha256'), table_name='case_file')
    op.drop_table('case_file')

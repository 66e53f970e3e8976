"""dossiers: the title without diacritics, for the "Hồ sơ công việc" search (issue 12)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 10:45:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('dossier', sa.Column('title_folded', sa.String(length=500), nullable=True))


def downgrade():
    op.drop_column('dossier', 'title_folded')

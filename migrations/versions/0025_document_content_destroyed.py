"""incoming/outgoing: the content of a document destroyed with the dossiers that held it (issue 12 point 5)

Seed 000 Điều 25.2: "phải bảo đảm thông tin đã bị hủy không thể khôi phục lại được". The register line stays (the
sổ đăng ký is a permanent record); these columns say when its content went and by which destruction.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 11:10:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

TABLES = ('incoming_document', 'outgoing_document')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('content_destroyed_at', sa.DateTime(timezone=True), nullable=True))
            batch.add_column(sa.Column('content_destruction_id', sa.Integer(), nullable=True))
            batch.create_foreign_key(
                batch.f(f'fk_{table}_content_destruction_id_dossier_destruction'),
                'dossier_destruction',
                ['content_destruction_id'],
                ['id'],
            )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(batch.f(f'fk_{table}_content_destruction_id_dossier_destruction'), type_='foreignkey')
            batch.drop_column('content_destruction_id')
            batch.drop_column('content_destroyed_at')

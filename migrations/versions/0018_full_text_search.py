"""documents: the full-text search catalogue, its index (FTS5 on SQLite, GIN on PostgreSQL), saved searches and
each person's result columns (NĐ 30/2020 Phụ lục VI III.6.d, đ, e)

Existing documents are put into the catalogue by `python -m app search reindex` (it also reads their PDFs).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 04:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# The same text as app.documents.fulltext.indexing (FTS_DDL).
FTS_DDL = "CREATE VIRTUAL TABLE search_fts USING fts5(title, meta, body, tokenize = 'unicode61 remove_diacritics 2')"


def upgrade():
    op.create_table(
        'search_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('symbol', sa.String(length=100), nullable=False),
        sa.Column('subject', sa.String(length=500), nullable=False),
        sa.Column('party', sa.String(length=1000), nullable=False),
        sa.Column('type_name', sa.String(length=100), nullable=False),
        sa.Column('signer', sa.String(length=200), nullable=False),
        sa.Column('urgency', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('number', sa.Integer(), nullable=True),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('issued_date', sa.Date(), nullable=True),
        sa.Column('arrival_date', sa.Date(), nullable=True),
        sa.Column('subject_folded', sa.String(length=500), nullable=False),
        sa.Column('party_folded', sa.String(length=1000), nullable=False),
        sa.Column('signer_folded', sa.String(length=200), nullable=False),
        sa.Column('title_folded', sa.Text(), nullable=False),
        sa.Column('meta_folded', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_folded', sa.Text(), nullable=False),
        sa.Column('files_digest', sa.String(length=64), nullable=False),
        sa.Column('body_digest', sa.String(length=64), nullable=False),
        sa.Column('body_pending', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'object_id', name='uq_search_entry_object'),
    )
    op.create_index('ix_search_entry_agency', 'search_entry', ['agency_id', 'kind'])
    op.create_index(op.f('ix_search_entry_body_pending'), 'search_entry', ['body_pending'])
    op.create_table(
        'saved_search',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'name', name='uq_saved_search_name'),
    )
    op.create_index(op.f('ix_saved_search_user_id'), 'saved_search', ['user_id'])
    op.create_table(
        'search_columns',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('user_id'),
    )
    # The index itself is dialect-specific, so no model describes it (app.documents.fulltext.models.UNMODELLED).
    if op.get_bind().dialect.name == 'postgresql':
        # Stored and indexed; app.documents.fulltext.indexing writes it with each entry (PG_VECTOR).
        op.execute("ALTER TABLE search_entry ADD COLUMN search_tsv tsvector")
        op.execute("CREATE INDEX ix_search_entry_tsv ON search_entry USING gin (search_tsv)")
    elif op.get_bind().dialect.name == 'sqlite':
        op.execute(FTS_DDL)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table('search_columns')
    op.drop_index(op.f('ix_saved_search_user_id'), table_name='saved_search')
    op.drop_table('saved_search')
    op.drop_index(op.f('ix_search_entry_body_pending'), table_name='search_entry')
    op.drop_index('ix_search_entry_agency', table_name='search_entry')
    op.drop_table('search_entry')  # its GIN index goes with it

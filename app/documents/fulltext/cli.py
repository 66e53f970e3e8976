"""`python -m app search …`: rebuild the search catalogue for existing data, read the PDFs' text now."""

import click
from flask.cli import with_appcontext


@click.group("search")
def search_command():
    """Chỉ mục tìm kiếm toàn văn."""


@search_command.command("reindex")
@click.option("--kind", "kinds", multiple=True, help="Chỉ loại này (incoming, outgoing, copy); mặc định: tất cả.")
@click.option("--no-pdf", is_flag=True, help="Chỉ siêu dữ liệu; nội dung PDF để tác vụ định kỳ đọc sau.")
@with_appcontext
def reindex_command(kinds: tuple[str, ...], no_pdf: bool):
    """Lập lại chỉ mục tìm kiếm của mọi văn bản (dữ liệu đã có), rồi đọc nội dung các tệp PDF."""
    from app.audit.context import origin
    from app.documents.fulltext.jobs import index_all_pdf_text, reindex

    with origin("cli", "qlvb search reindex"):
        count = reindex(list(kinds) or None)
        click.echo(f"Đã lập chỉ mục {count} văn bản.")
        if not no_pdf:
            click.echo(f"Đã đọc nội dung PDF của {index_all_pdf_text()} văn bản.")

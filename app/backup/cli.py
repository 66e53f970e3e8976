"""`qlvb backup` and `qlvb restore`."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.audit.context import origin
from app.backup import archive


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


@click.command("backup")
@click.option("--output", "output", type=click.Path(file_okay=False, path_type=Path), help="Thư mục ghi bản sao lưu.")
@click.option("--with-keys", is_flag=True, help="Kèm các tệp khóa (audit.key, signing.key, secret_key).")
@click.option("--list", "list_only", is_flag=True, help="Liệt kê các bản sao lưu trong thư mục rồi thoát.")
@click.option(
    "--verify",
    "verify_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Kiểm tra mã băm của một bản sao lưu rồi thoát.",
)
@with_appcontext
def backup_command(output: Path | None, with_keys: bool, list_only: bool, verify_path: Path | None):
    """Sao lưu cơ sở dữ liệu, tệp lưu trữ và tệp của thư mục dữ liệu vào một tệp .tar có bảng kê mã băm."""
    from app.backup import jobs, services

    folder = output or services.backup_folder()
    if list_only:
        for info in services.list_backups(folder):
            state = "chưa kiểm tra" if info.verified is None else ("toàn vẹn" if info.verified["ok"] else "HỎNG")
            click.echo(
                f"{info.name}  {_size(info.size):>9}  {info.database or '?':<10} {info.schema_revision or '?':<6} "
                f"{state}"
            )
        return
    if verify_path is not None:
        try:
            verified = services.verify_archive(verify_path)
        except archive.ArchiveDamaged as exc:
            click.echo(f"LỖI: {services.describe(exc)}", err=True)
            sys.exit(1)
        click.echo(
            f"OK: {len(verified.manifest['files'])} phần, mọi mã băm khớp bảng kê "
            f"(lược đồ {verified.header.get('schema_revision')}, {verified.header.get('database')})."
        )
        return
    with origin("cli", "qlvb backup"):
        try:
            result = jobs.run_backup(trigger="cli", folder=folder, with_keys=with_keys)
        except Exception as exc:
            click.echo(f"LỖI: không sao lưu được: {services.describe(exc)}", err=True)
            sys.exit(1)
    click.echo(f"Đã sao lưu: {result.path} ({_size(result.size)})")
    for problem in result.problems:
        click.echo(f"  Cảnh báo: {problem}", err=True)


@click.command("restore")
@click.argument("archive_path", metavar="ARCHIVE", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Không hỏi lại (dữ liệu hiện có sẽ bị thay thế).")
@with_appcontext
def restore_command(archive_path: Path, yes: bool):
    """Phục hồi từ một bản sao lưu: thay toàn bộ dữ liệu hiện có (cần dừng máy chủ web và bộ lập lịch)."""
    from app.backup import jobs, services

    if not yes:
        click.confirm(
            f"Toàn bộ dữ liệu hiện có ({current_app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}, tệp lưu trữ) "
            f"sẽ được thay bằng nội dung của {archive_path.name}. Tiếp tục?",
            abort=True,
        )
    with origin("cli", "qlvb restore"):
        try:
            report = jobs.run_restore(archive_path, say=click.echo)
        except Exception as exc:
            click.echo(f"LỖI: không phục hồi: {services.describe(exc)}", err=True)
            sys.exit(1)
    header = report.header
    click.echo(f"Đã phục hồi bản sao lưu lúc {header['created_at']} ({report.blobs} tệp lưu trữ).")
    if report.upgraded_from:
        click.echo(f"Đã nâng cấp lược đồ từ {report.upgraded_from} lên phiên bản hiện tại.")
    click.echo("Kiểm tra: qlvb audit verify; rồi khởi động lại máy chủ web và bộ lập lịch.")


COMMANDS = [backup_command, restore_command]

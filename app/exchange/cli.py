"""`qlvb exchange …`: pair two deployments from the command line (the README's steps), as the system.

qlvb exchange peer add --name "Tỉnh B" --key-id tinh-a-tinh-b --url https://qlvb.tinh-b.gov.vn   # prints a secret
qlvb exchange peer add … --secret '<the secret printed on the other side>'                        # on the other
qlvb exchange peer set-secret tinh-a-tinh-b --secret '<the new secret>'                           # after a rotation
qlvb exchange directory add H29.15 "Sở Nội vụ tỉnh B" --peer tinh-a-tinh-b
qlvb exchange directory import danh-ba.csv
"""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.audit.context import origin
from app.core.errors import DomainError
from app.core.transaction import unit_of_work


def _fail(exc: DomainError) -> None:
    click.echo(exc.message, err=True)
    for key, value in (exc.details or {}).items():
        click.echo(value if key.startswith("line_") else f"{key}: {value}", err=True)
    sys.exit(1)


@click.group("exchange")
def exchange():
    """Liên thông: danh bạ liên thông và các hệ thống liên thông."""


@exchange.group("directory")
def directory_group():
    """Danh bạ liên thông (cơ quan ngoài hệ thống)."""


@directory_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, chưa ghi.")
@with_appcontext
def directory_import_command(file: Path, dry_run: bool):
    """Nhập danh bạ từ tệp CSV (ma_dinh_danh,ten_co_quan,he_thong,ghi_chu) hoặc XML; có dòng lỗi thì không ghi."""
    from app.exchange.directory_import import import_directory

    try:
        with origin("cli", "qlvb exchange directory import"), unit_of_work():
            report = import_directory(None, file.read_bytes(), file.name, dry_run=dry_run)
    except DomainError as exc:
        _fail(exc)
    verb = "Đã nhập" if report.applied else "Kiểm tra xong (chưa ghi)"
    click.echo(f"{verb}: thêm {report.added}, cập nhật {report.updated}, không đổi {report.unchanged}.")


@directory_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--peer", "peer_key", default=None, help="Mã khóa của hệ thống liên thông phục vụ cơ quan này.")
@click.option("--note", default=None)
@with_appcontext
def directory_add_command(code: str, name: str, peer_key: str | None, note: str | None):
    """Thêm cơ quan CODE (mã định danh) tên NAME vào danh bạ."""
    from app.core.errors import ValidationError
    from app.exchange import directory, peers

    try:
        with origin("cli", "qlvb exchange directory add"), unit_of_work():
            peer_id = None
            if peer_key:
                peer = peers.by_key_id(peer_key)
                if peer is None:
                    raise ValidationError(f"Không có hệ thống liên thông mã khóa {peer_key}.", code="peer_not_found")
                peer_id = peer.id
            entry = directory.add_entry(None, code=code, name=name, peer_id=peer_id, note=note)
            text = f"Đã thêm {entry.code} {entry.name}" + (f" (qua {peer_key})" if peer_key else "") + "."
    except DomainError as exc:
        _fail(exc)
    click.echo(text)


@exchange.group("peer")
def peer_group():
    """Hệ thống liên thông (các triển khai qlvb khác, trục liên thông)."""


@peer_group.command("add")
@click.option("--name", required=True, help="Tên hệ thống kia.")
@click.option("--key-id", required=True, help="Mã khóa, giống nhau ở cả hai hệ thống.")
@click.option("--url", "base_url", required=True, help="Địa chỉ của hệ thống kia, ví dụ https://qlvb.tinh-b.gov.vn")
@click.option("--secret", default=None, help="Khóa bí mật do hệ thống kia in ra; bỏ trống để tạo và in khóa mới.")
@click.option("--auth", type=click.Choice(["hmac", "mtls"]), default="hmac", show_default=True)
@click.option("--tls-fingerprint", default=None, help="Vân tay SHA-256 chứng thư máy khách (khi --auth mtls).")
@click.option("--no-require-signature", is_flag=True, help="Nhận cả gói tin không có chữ ký số XML-DSig.")
@with_appcontext
def peer_add_command(name, key_id, base_url, secret, auth, tls_fingerprint, no_require_signature):
    """Khai báo một hệ thống liên thông."""
    from app.exchange import peers

    try:
        with origin("cli", "qlvb exchange peer add"), unit_of_work():
            peer, plain = peers.add_peer(
                None,
                secret=secret,
                name=name,
                key_id=key_id,
                base_url=base_url,
                auth=auth,
                tls_fingerprint=tls_fingerprint,
                require_signature=not no_require_signature,
            )
            text = f"Đã thêm hệ thống liên thông {peer.name} ({peer.key_id}) tại {peer.base_url}."
    except DomainError as exc:
        _fail(exc)
    click.echo(text)
    if not secret:
        click.echo("Khóa bí mật (chỉ in một lần; khai báo ở hệ thống kia bằng --secret):")
        click.echo(plain)


@peer_group.command("set-secret")
@click.argument("key_id")
@click.option("--secret", required=True, help="Khóa bí mật mới do hệ thống kia in ra (sau khi đổi khóa ở bên đó).")
@with_appcontext
def peer_set_secret_command(key_id: str, secret: str):
    """Thay khóa bí mật của hệ thống liên thông KEY_ID đã khai báo (bên kia vừa đổi khóa: hai bên phải giống nhau)."""
    from app.core.errors import NotFound
    from app.exchange import peers

    try:
        with origin("cli", "qlvb exchange peer set-secret"), unit_of_work():
            peer = peers.by_key_id(key_id)
            if peer is None:
                raise NotFound(f"Không có hệ thống liên thông mã khóa {key_id}.", code="peer_not_found")
            peer, _ = peers.rotate_secret(None, peer.id, secret)
            text = f"Đã thay khóa bí mật của hệ thống liên thông {peer.name} ({peer.key_id})."
    except DomainError as exc:
        _fail(exc)
    click.echo(text)


@peer_group.command("list")
@with_appcontext
def peer_list_command():
    """Liệt kê các hệ thống liên thông."""
    from app.exchange import directory, peers

    rows = peers.list_peers()
    if not rows:
        click.echo("Chưa khai báo hệ thống liên thông nào.")
    for peer in rows:
        codes = ", ".join(e.code for e in directory.list_entries(peer_id=peer.id)) or "—"
        state = "đang dùng" if peer.is_active else "ngừng dùng"
        click.echo(f"{peer.key_id}\t{peer.name}\t{peer.base_url}\t{peer.auth}\t{state}\tcơ quan: {codes}")

"""`qlvb processes …` and `qlvb workflow …` commands."""

import sys
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.audit.context import origin
from app.core import clock
from app.core.errors import DomainError
from app.core.transaction import unit_of_work


@click.group("processes")
def processes_group():
    """Quy trình BPMN: kiểm tra, đồng bộ, triển khai."""


@processes_group.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def validate_command(files):
    """Kiểm tra các tệp BPMN; mỗi lỗi một dòng FILE:ELEMENT: thông báo; mã thoát 1 nếu có lỗi."""
    from app.workflow.forms import load_form_file
    from app.workflow.validation import validate_bpmn

    failed = False
    for path in files:
        forms_root = _forms_root_for(path)
        problems = validate_bpmn(path.read_bytes(), str(path), lambda key, root=forms_root: load_form_file(key, root))
        for problem in problems:
            click.echo(str(problem))
        failed = failed or bool(problems)
    if failed:
        sys.exit(1)
    click.echo(f"OK: {len(files)} tệp hợp lệ.")


def _forms_root_for(path: Path) -> Path:
    """Forms sit in a forms/ folder beside the file or beside its processes/ folder, else the project's forms/."""
    from app.workflow.forms import FORMS_DIR

    folder = path.resolve().parent
    for candidate in (folder / "forms", folder.parent / "forms"):
        if candidate.is_dir():
            return candidate
    return FORMS_DIR


@processes_group.command("sync")
@with_appcontext
def sync_command():
    """Triển khai các quy trình trong thư mục processes/ (phiên bản dùng chung)."""
    from app.workflow.definitions import sync_processes

    with origin("cli", "qlvb processes sync"), unit_of_work():
        versions = sync_processes()
    for version in versions:
        click.echo(f"{version.process_id}: phiên bản {version.version} ({version.checksum[:12]})")


@processes_group.command("deploy")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--agency", "agency_code", required=True, help="Mã định danh của cơ quan")
@with_appcontext
def deploy_command(file: Path, agency_code: str):
    """Triển khai một tệp BPMN làm phiên bản riêng của một cơ quan."""
    from app.org.queries import find_agency_by_code
    from app.workflow.definitions import deploy
    from app.workflow.forms import load_form_file

    agency = find_agency_by_code(agency_code)
    if agency is None:
        click.echo(f"Không tìm thấy cơ quan có mã {agency_code}.", err=True)
        sys.exit(2)
    forms_root = _forms_root_for(file)
    try:
        with origin("cli", "qlvb processes deploy"), unit_of_work():
            xml = file.read_text(encoding="utf-8")
            from app.workflow.definitions import referenced_forms

            forms = referenced_forms(xml, lambda key: load_form_file(key, forms_root)) if "<" in xml else {}
            versions = deploy(None, xml, file.name, agency_id=agency.id, forms=forms, source=str(file))
    except DomainError as exc:
        click.echo(exc.message, err=True)
        for line in getattr(exc, "problems", []):
            click.echo(line, err=True)
        sys.exit(1)
    for version in versions:
        click.echo(f"{version.process_id}: phiên bản {version.version} cho {agency.name}")


@click.group("workflow")
def workflow_group():
    """Bộ máy quy trình."""


@workflow_group.command("tick")
@click.option("--now", "now_text", help="Chạy như thể lúc này là thời điểm ISO 8601 này")
@with_appcontext
def tick_command(now_text: str | None):
    """Đánh thức các phiên quy trình có mốc hẹn giờ đã đến."""
    from app.workflow.jobs import tick

    instant = clock.now()
    if now_text:
        try:
            instant = datetime.fromisoformat(now_text)
        except ValueError:
            click.echo(f"Thời điểm không hợp lệ: {now_text}", err=True)
            sys.exit(2)
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=clock.LOCAL_TZ)
    with origin("cli", "qlvb workflow tick"), clock.frozen(instant):
        count = tick()
    click.echo(f"Đã xử lý {count} phiên quy trình đến hạn.")


commands = [processes_group, workflow_group]

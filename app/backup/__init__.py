"""Sao lưu và phục hồi (backups and restore): the database, the stored files and the instance's own files in one
dated, checksummed archive; a daily job; a page and an endpoint for administrators; restore from the command line.

Seed 003 Điều 8.1 asks for a backup at least weekly, seed 004 Điều 13.5 daily: the scheduler makes one every day
(QLVB_BACKUP_HOUR) into QLVB_BACKUP_PATH and keeps the newest QLVB_BACKUP_KEEP. Glossary: bản sao lưu = backup
archive, sao lưu = back up, phục hồi = restore, bảng kê = manifest.
"""

from app.core.modules import Module

MODULE = Module(
    "backup",
    blueprints=("app.backup.views:bp",),
    api=("app.backup.api:blp",),
    cli=("app.backup.cli:COMMANDS",),
    jobs="app.backup.jobs",
)

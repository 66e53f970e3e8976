"""Append-only, hash-chained audit log (nhật ký hệ thống).

Every state change made through a service writes an event in the same transaction; each row stores
HMAC-SHA256(key, previous hash + its own canonical JSON), and the head is checkpointed outside the database,
so editing, forging or deleting rows — the newest too — breaks the chain (app.audit.services).
"""

from app.core.modules import Module

MODULE = Module(
    "audit",
    checks=("app.audit.checks:CHECKS",),
    models=("app.audit.models", "app.audit.refusals"),  # refusals: its session listeners
    cli=("app.audit.cli:audit_group",),
)

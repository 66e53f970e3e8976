"""Reactions of the escalation ladder to what other modules announce, connected at start (MODULE)."""

from app.core.signals import user_deactivated
from app.escalation.watch import look_at_queue_of

RECEIVERS = [(user_deactivated, look_at_queue_of)]

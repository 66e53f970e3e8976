"""Reactions of the escalation ladder to what other modules announce, connected at start (MODULE)."""

from app.core.signals import tasks_released, user_deactivated
from app.escalation.released import tell_once_about_released
from app.escalation.watch import look_at_queue_of

RECEIVERS = [(user_deactivated, look_at_queue_of), (tasks_released, tell_once_about_released)]

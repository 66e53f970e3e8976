"""Blinker signals: modules announce what happened without importing their listeners.

Each module defines its own signals in this namespace (past tense: `user_created`); receivers run inside
the same unit of work, so anything they write commits or rolls back with the sender's change.
"""

from blinker import Namespace

signals = Namespace()

user_created = signals.signal("user-created")
user_deactivated = signals.signal("user-deactivated")
user_reactivated = signals.signal("user-reactivated")
agency_created = signals.signal("agency-created")
# A status message (app.exchange) was recorded: the sender's side updates its delivery tracking (app.outgoing).
status_recorded = signals.signal("status-recorded")

"""Blinker signals: modules announce what happened without importing their listeners.

Each module defines its own signals in this namespace (past tense: `user_created`); receivers run inside
the same unit of work, so anything they write commits or rolls back with the sender's change.
"""

from blinker import Namespace

signals = Namespace()

user_created = signals.signal("user-created")
user_deactivated = signals.signal("user-deactivated")
user_reactivated = signals.signal("user-reactivated")
# A deactivated person's open tasks went back to their queues (app.workflow): sender the person, `tasks` the tasks,
# `actor` who deactivated. app.escalation tells who must hand on the stranded ones once, not once per task.
tasks_released = signals.signal("tasks-released")
# An open task was handed to another person (app.workflow reassign_task): sender the task, `previous_id` who held it,
# `target` who holds it now. A module whose records name the handler (app.incoming's lead and coordinating
# assignments) follows, in the same transaction.
task_reassigned = signals.signal("task-reassigned")
# New open tasks of a case (app.workflow, after the engine ran): sender the case's object type ("incoming"), `tasks`
# the new HumanTask rows with their due instants. A module that keeps the deadline a step was given (app.incoming's
# assignments, when the leader set none) records it in the same transaction.
tasks_created = signals.signal("tasks-created")
agency_created = signals.signal("agency-created")
# A status message (app.exchange) was recorded: the sender's side updates its delivery tracking (app.outgoing).
status_recorded = signals.signal("status-recorded")
# A document was destroyed on purpose (a recalled văn bản đến, NĐ 30 Phụ lục VI III.8.b): sender is its object type
# ("incoming"), `object_id` its id. Modules keeping rows derived from it (a search index, extracted text) delete them
# in the receiver: it runs in the destroying transaction, so they go together or not at all.
object_destroyed = signals.signal("object-destroyed")

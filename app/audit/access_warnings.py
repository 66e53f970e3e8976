"""Which audited changes are changes of access rights, to be warned about until confirmed.

NĐ 30/2020 Phụ lục VI III.3.c: the system warns of every change of access rights to a dossier or document until a
person with authority confirms it. The one list of such changes: a person's roles, an account opened or reopened,
a delegation given or taken back, a dossier opened to someone or closed to them again, and the agency opening its
incoming documents to all staff (or closing them). `record` (app.audit.services) raises the warning with the event,
so a page, the API and the CLI raise it alike; app.org.access_warnings lists and confirms them.
"""

from collections.abc import Callable

ACCESS_CHANGES: dict[str, Callable[[dict], bool]] = {
    "user.create": lambda changes: True,  # an account comes with its roles
    "user.update": lambda changes: "roles" in changes,
    "user.reactivate": lambda changes: True,
    "delegation.create": lambda changes: True,
    "delegation.revoke": lambda changes: True,
    "dossier.grant": lambda changes: True,
    "dossier.revoke": lambda changes: True,
    # NĐ 30/2020 Phụ lục VI III.3.b: incoming documents open to all staff of the agency, or no longer.
    "agency.update": lambda changes: "open_incoming_to_staff" in changes,
}


def is_access_change(action: str, changes: dict | None, actor) -> bool:
    """Whether an event warns. A person's change only: the system's own (setup, demo data, a scheduled job ending
    a delegation on time) has nobody to answer for it."""
    rule = ACCESS_CHANGES.get(action)
    return actor is not None and rule is not None and rule(changes or {})

"""One notice for the tasks a deactivation left with nobody to act on, instead of one per task.

The scan would find each such task unactionable at its next look and tell the clerks and administrators once per
task (a person holding twenty tasks: twenty notices). Here, in the deactivation's own transaction, the same rule
(`ladder.Recipients.can_act`, `of(Level.UNACTIONABLE)`) picks them out; the level is recorded for each, so the
scan does not tell again, and the recipients get one summary listing them.
"""

import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.escalation import ladder
from app.escalation.messages import KINDS
from app.escalation.models import Escalation, Level
from app.escalation.policy import policy_for
from app.notifications.services import notify

LISTED = 10  # titles named in the notice; the rest counted


def tell_once_about_released(user, tasks=(), **_extra) -> None:
    now, stranded, told = clock.now(), [], {}
    ids = [task.id for task in tasks]
    done = set(
        db.session.scalars(
            sa.select(Escalation.task_id).where(
                Escalation.task_id.in_(ids), Escalation.level == Level.UNACTIONABLE.value
            )
        )
    )
    for task in tasks:
        if task.id in done:
            continue
        people = ladder.Recipients(task, policy_for(task.agency_id))
        if people.can_act():
            continue
        recipients = people.of(Level.UNACTIONABLE)
        stranded.append((task, recipients))
        told |= recipients
    if not stranded:
        return
    notices = notify(
        list(told),
        kind=KINDS[Level.UNACTIONABLE],
        title=f"{len(stranded)} việc không có người xử lý sau khi vô hiệu hóa tài khoản {user.username}"[:300],
        body=_body(user, [task for task, _ in stranded]),
        url=f"/tasks/{stranded[0][0].id}" if len(stranded) == 1 else None,
        dedupe_key=f"escalation:released:{user.id}:{now.isoformat()}",
    )
    notified = [notice.user_id for notice in notices]
    for task, recipients in stranded:
        db.session.add(
            Escalation(
                task_id=task.id,
                level=Level.UNACTIONABLE.value,
                agency_id=task.agency_id,
                unit_id=ladder.follow_unit_id(task),
                due_at=task.due_at,
                fired_at=now,
                recipient_ids=[i for i in notified if i in recipients],
            )
        )
    db.session.flush()


def _body(user, tasks) -> str:
    lines = [f"• {t.title} — {t.object_title}" for t in tasks[:LISTED]]
    if len(tasks) > LISTED:
        lines.append(f"… và {len(tasks) - LISTED} việc khác.")
    return (
        f"Tài khoản {user.full_name} ({user.username}) đã bị vô hiệu hóa; các việc sau trở về hộp việc chung nhưng "
        "không ai nhận được (đơn vị không còn người giữ vai trò của bước). Đề nghị giao việc cho người phù hợp "
        "(danh sách Việc quá hạn, nút Chuyển việc):\n" + "\n".join(lines)
    )

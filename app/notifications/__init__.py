"""Thông báo (notifications): in-app notices with a bell, e-mail over SMTP when configured, a daily digest.

Any module above this one tells people something through `services.notify(...)` inside its own unit of work; the
notice is written in that transaction (so a rolled-back action notifies nobody) and its e-mail, when the person has
an address and SMTP is configured, is queued in the same transaction and sent after the commit by a worker that
retries (NĐ 30/2020 Phụ lục VI III.1.m: reminders of due and overdue work). Glossary: thông báo = notice,
chuông = the bell, bản tổng hợp hằng ngày = daily digest, đã đọc / chưa đọc = read / unread.
"""

from app.core.modules import Module

MODULE = Module(
    "notifications",
    models=("app.notifications.models",),
    blueprints=("app.notifications.views:bp",),
    api=("app.notifications.api:blp",),
    cli=("app.notifications.cli:notifications_group",),
    jobs="app.notifications.jobs",
    header_items=("app.notifications.views:bell",),
    home_panels=("app.notifications.home:PANELS",),
)

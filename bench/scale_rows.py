"""The scale generator's other rows: issued văn bản đi, search catalogue entries and the audit chain's events.

A mixin of bench.scale_data.Generator (it uses the generator's rng, words, people and sink).
"""

from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from bench.scale_text import UNITS

TYPE_CODES = {
    "Công văn": "CV",
    "Quyết định": "QD",
    "Kế hoạch": "KH",
    "Thông báo": "TB",
    "Báo cáo": "BC",
    "Tờ trình": "TTR",
    "Giấy mời": "GM",
    "Chỉ thị": "CT",
    "Hướng dẫn": "HD",
}


def utc(moment: datetime | None) -> datetime | None:
    from datetime import UTC

    return moment.astimezone(UTC) if moment is not None else None


class Rows:
    def incoming_fields(self, doc: dict, place, people: dict, unit_id: int):
        from app.core.clock import to_local
        from app.documents.fulltext.sources import EntryFields

        names = [self.people[u][1] for u in (doc["lead_user_id"],) if u]
        return EntryFields(
            agency_id=place.id,
            symbol=f"{doc['code_number']}/{doc['code_notation']}",
            subject=doc["subject"],
            party=doc["sender_name"],
            type_name=doc["type_name"],
            signer=" ".join(p for p in (doc["signer_position"], doc["signer_name"]) if p),
            urgency=doc["urgency"],
            status=doc["status"],
            number=doc["arrival_number"],
            year=doc["arrival_year"] or doc["issued_date"].year,
            issued_date=doc["issued_date"],
            arrival_date=to_local(doc["arrived_at"]).date(),
            other=[
                doc["sender_code"],
                doc["document_key"],
                doc["description"],
                doc["recipients"],
                doc["direction"],
                doc["result"],
                doc["language"],
                *([place.unit_names[unit_id]] if doc["lead_unit_id"] else []),
                *names,
            ],
        )

    # --- one outgoing document (issued) ------------------------------------------------------------------------

    def outgoing_document(self, place, issued_at: datetime, number: tuple) -> None:
        from app.core.clock import LOCAL_TZ
        from app.core.folding import fold_vietnamese
        from app.documents.symbols import document_key

        rng, words, ids = self.rng, self.words, self.sink.ids
        doc_id = ids.next("outgoing_document")
        type_name, abbreviation = words.doc_type()
        local = issued_at.astimezone(LOCAL_TZ)
        subject = words.subject(type_name, local.year, local.month)
        unit_id, unit_name = rng.choice(place.units)
        unit_abbreviation = next(a for n, a in UNITS[place.level] if n == unit_name)
        notation = (
            f"{abbreviation}-{place.abbreviation}" if abbreviation else f"{place.abbreviation}-{unit_abbreviation}"
        )
        register_id, year, num = number
        symbol = f"{num:02d}/{notation}"
        drafter = rng.choice(place.specialists.get(unit_id) or [place.unit_leaders[unit_id]])
        signer, clerk = rng.choice(place.leaders), rng.choice(place.clerks)
        created = issued_at - timedelta(days=rng.randint(1, 10), minutes=rng.randint(0, 600))
        urgent = rng.random() < 0.05
        key = document_key(place.code, num, notation, local.date())
        row = {
            "id": doc_id,
            "agency_id": place.id,
            "status": "issued",
            "type_code": TYPE_CODES[type_name],
            "type_name": type_name,
            "subject": subject,
            "subject_folded": fold_vietnamese(subject)[:500],
            "urgency": "khan" if urgent else "thuong",
            "language": "Tiếng Việt",
            "page_count": rng.randint(1, 8),
            "copies": None,
            "place": "Rạch Giá",
            "notation": notation,
            "drafting_unit_id": unit_id,
            "drafter_id": drafter,
            "signer_id": signer,
            "signer_authority": "KT.",
            "signer_title": "PHÓ CHỦ TỊCH",
            "reply_requested": False,
            "register_id": register_id,
            "number_year": year,
            "number": num,
            "symbol": symbol,
            "issued_date": local.date(),
            "signed_at": utc(issued_at - timedelta(minutes=30)),
            "issued_at": utc(issued_at),
            "issued_by_id": clerk,
            "document_key": key,
            "organ_name": place.name,
            "signer_full_name": self.people[signer][1][:50],
            "created_at": utc(created),
            "updated_at": utc(issued_at),
        }
        self.sink.add("outgoing_document", row)
        assignment_id = ids.next("number_assignment")
        self.sink.add(
            "number_assignment",
            {
                "id": assignment_id,
                "register_id": register_id,
                "year": year,
                "number": num,
                "object_type": "outgoing",
                "object_id": doc_id,
                "assigned_at": utc(issued_at),
                "assigned_by_id": clerk,
            },
        )
        self.audit(
            utc(issued_at),
            None,
            place.id,
            "register.assign_number",
            "number_assignment",
            assignment_id,
            f"Cấp số {num:02d} năm {year} trong “Sổ văn bản đi” cho outgoing #{doc_id}",
            {"register_id": register_id, "year": year, "number": num, "object": f"outgoing:{doc_id}"},
        )
        self.audit(
            utc(issued_at),
            clerk,
            place.id,
            "outgoing.issue",
            "outgoing_document",
            doc_id,
            f"Cấp số, ký số cơ quan và phát hành văn bản {symbol}: {subject[:200]}",
            {"status": ["signed", "issued"], "register_id": register_id, "symbol": symbol, "document_key": key},
        )
        from app.documents.fulltext.sources import EntryFields

        self.search_entry(
            "outgoing",
            doc_id,
            EntryFields(
                agency_id=place.id,
                symbol=symbol,
                subject=subject,
                party="",
                type_name=type_name,
                signer=f"PHÓ CHỦ TỊCH {self.people[signer][1]}",
                urgency=row["urgency"],
                status="issued",
                number=num,
                year=year,
                issued_date=local.date(),
                other=[notation, "Rạch Giá", "Tiếng Việt", self.people[drafter][1], unit_name, None],
            ),
        )

    # --- search catalogue and audit chain ----------------------------------------------------------------------

    def search_entry(self, kind: str, object_id: int, fields) -> None:
        from app.documents.fulltext import indexing

        entry = SimpleNamespace(body_digest="")
        indexing._apply(entry, fields)  # the module's own rule for what is matched and shown
        row = dict(vars(entry))
        row.update(id=self.sink.ids.next("search_entry"), kind=kind, object_id=object_id, body="", body_folded="")
        self.sink.add("search_entry", row)

    def start_chain(self) -> None:
        from app.audit import services as audit
        from app.audit.models import AuditEvent
        from app.core.db import db

        tail = db.session.execute(audit._tail_query()).first()
        self.seq, self.head = (tail.seq, tail.hash) if tail else (0, audit.GENESIS)
        self.key = audit.chain_key()
        self.chain_hash = audit.chain_hash
        db.session.rollback()
        del AuditEvent

    def audit(self, at, actor_id, agency_id, action, object_type, object_id, summary, changes) -> None:
        self.seq += 1
        event = SimpleNamespace(
            id=self.sink.ids.next("audit_event"),
            seq=self.seq,
            occurred_at=at,
            actor_id=actor_id,
            actor_name=self.people[actor_id][0] if actor_id else "system",
            agency_id=agency_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            summary=summary[:500],
            changes=changes,
            ip=None,
            user_agent=None,
            prev_hash=self.head,
        )
        event.hash = self.head = self.chain_hash(self.head, event, self.key)
        self.sink.add("audit_event", vars(event))

    def incoming_tasks(self, c) -> None:
        """The case's task rows and audit events, step by step (`c`: the values incoming_case drew)."""
        from bench.scale_data import working_minutes

        t_of = utc
        assignment_id = getattr(c, "assignment_id", None)
        starts = {
            "check_document": c.arrived,
            "register_document": c.t1,
            "direct_handling": c.t2,
            "assign_specialist": c.t3,
            "handle_document": c.t4,
        }
        ends = {
            "check_document": c.t1,
            "register_document": c.t2,
            "direct_handling": c.t3,
            "assign_specialist": c.t4,
            "handle_document": c.t5,
        }
        actor = {
            "check_document": "clerk",
            "register_document": "clerk",
            "direct_handling": "leader",
            "assign_specialist": "unit_leader",
            "handle_document": "specialist",
        }
        submitted = {
            "register_document": {"sender_name": c.sender_name, "type_name": c.type_name, "subject": c.subject},
            "direct_handling": {
                "y_kien_chi_dao": c.direction,
                "lead_unit_id": c.unit_id,
                "han_xu_ly": c.due_day.date().isoformat(),
            },
            "assign_specialist": {"lead_user_id": c.people["specialist"]},
            "handle_document": {"ket_qua": c.result},
        }
        audit = self.audit
        audit(
            t_of(c.arrived),
            c.people["clerk"],
            c.place.id,
            "incoming.receive",
            "incoming_document",
            c.doc_id,
            f"Tiếp nhận văn bản đến: {c.subject}",
            {"channel": c.doc["channel"], "sender": c.sender_name, "files": 0},
        )
        audit(
            t_of(c.arrived),
            c.people["clerk"],
            c.place.id,
            "workflow.start",
            "workflow_instance",
            c.instance_id,
            f"Khởi tạo quy trình Xử lý văn bản đến: {c.title}",
            {"process_id": "incoming", "version": c.tpl.version},
        )
        for task in c.st.tasks:
            name, task_id = task["task_name"], c.ids.next("human_task")
            row = dict(task)
            done = task["state"] == "completed"
            created, ended = starts[name], ends[name]
            due = c.due_day if name == "handle_document" else created + self.deltas[name]
            who = c.people[actor[name]]
            row.update(
                id=task_id,
                instance_id=c.instance_id,
                object_id=str(c.doc_id),
                object_title=c.title[:500],
                agency_id=c.place.id,
                unit_id=c.unit_id if task["unit_id"] is not None else None,
                assignee_id=who if task["assignee_id"] is not None else None,
                due_at=utc(due),
                due_sort=utc(due),
                urgency="urgent" if c.urgent else "normal",
                priority=0 if c.urgent else 1,
                created_at=utc(created),
                claimed_at=utc(created) if task["claimed_at"] is not None else None,
                completed_at=utc(ended) if done else None,
                completed_by_id=who if done else None,
                working_minutes=working_minutes(created, ended) if done else None,
                submitted=(submitted.get(name, {}) if done else None),
            )
            self.sink.add("human_task", row)
            if not done:
                self.open_tasks.append(row)
                continue
            audit(
                t_of(ended),
                who,
                c.place.id,
                "task.complete",
                "human_task",
                task_id,
                f"Hoàn thành “{task['title']}”: {c.title}",
                {"outcome": task["outcome"]},
            )
            if name == "register_document":
                audit(
                    t_of(ended),
                    None,
                    c.place.id,
                    "register.assign_number",
                    "number_assignment",
                    assignment_id,
                    f"Cấp số {c.arrival_number:02d} năm {c.year} trong “Sổ văn bản đến” cho incoming #{c.doc_id}",
                    {
                        "register_id": c.register_id,
                        "year": c.year,
                        "number": c.arrival_number,
                        "object": f"incoming:{c.doc_id}",
                    },
                )
                audit(
                    t_of(ended),
                    who,
                    c.place.id,
                    "incoming.register",
                    "incoming_document",
                    c.doc_id,
                    f"Vào sổ văn bản đến số {c.arrival_number:02d}/{c.year}: {c.subject}",
                    {},
                )
            elif name == "direct_handling":
                audit(
                    t_of(ended),
                    who,
                    c.place.id,
                    "incoming.direct",
                    "incoming_document",
                    c.doc_id,
                    f"Chỉ đạo: giao {c.unit_name} chủ trì",
                    {
                        "lead_unit_id": c.unit_id,
                        "lead_user_id": None,
                        "due": c.due_day.date().isoformat(),
                        "assignees": [],
                    },
                )
            elif name == "handle_document":
                audit(
                    t_of(ended),
                    who,
                    c.place.id,
                    "incoming.complete",
                    "incoming_document",
                    c.doc_id,
                    f"Hoàn thành văn bản đến số {c.arrival_number:02d}",
                    {},
                )

    def finish(self) -> None:
        from app.documents.fulltext.indexing import FTS_TABLE, PG_COLUMN, PG_VECTOR

        sink = self.sink
        if sink.postgresql:
            sink.execute(f"UPDATE search_entry SET {PG_COLUMN} = {PG_VECTOR} WHERE {PG_COLUMN} IS NULL")
        else:
            sink.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, meta, body) SELECT id, title_folded, meta_folded, body_folded "
                f"FROM search_entry WHERE id NOT IN (SELECT rowid FROM {FTS_TABLE})"
            )
        # The registers' yearly counters: the last number given in each (register, year).
        sink.execute("DELETE FROM register_counter")
        sink.execute(
            "INSERT INTO register_counter (register_id, year, last_number) "
            "SELECT register_id, year, max(number) FROM number_assignment GROUP BY register_id, year"
        )
        sink.end_load(self.o.log)
        if sink.postgresql:
            with sink.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        else:
            sink.execute("ANALYZE")
        from flask import current_app

        from app.audit import services as audit

        if current_app.config.get("AUDIT_CHECKPOINTS"):
            audit.write_checkpoint(self.seq, self.head)

    def watch_open_tasks(self) -> None:
        """What the scheduler's scans would have left by now: the levels already due fired (recorded; the notices
        are not generated), and each open task's next look at its next threshold (app.escalation.scan.look_at)."""
        from app.core import clock
        from app.core.db import db
        from app.escalation import ladder
        from app.escalation.models import Level
        from app.escalation.shared import Shared
        from app.workflow.models import HumanTask

        shared, watches, fired = Shared(), [], []
        columns = {c.key for c in HumanTask.__table__.columns}
        with clock.frozen(self.now):
            for row in self.open_tasks:
                task = HumanTask(**{k: v for k, v in row.items() if k in columns})
                limits = ladder.thresholds(task, shared.context(task))
                pending = []
                for level in (Level.REMINDER, Level.OVERDUE, Level.ESCALATED, Level.URGENT_UNOPENED):
                    at = limits.of(level)
                    if at is None:
                        continue
                    if at > self.now:
                        pending.append(at)
                    else:
                        fired.append(
                            {
                                "id": self.sink.ids.next("escalation"),
                                "task_id": task.id,
                                "level": level.value,
                                "agency_id": task.agency_id,
                                "unit_id": task.unit_id,
                                "escalate_to": None,
                                "due_at": task.due_at,
                                "fired_at": at,
                                "recipient_ids": [],
                            }
                        )
                if pending:
                    watches.append({"task_id": task.id, "next_at": min(pending)})
            db.session.rollback()
        self.sink.rows = {"escalation_watch": watches, "escalation": fired}
        self.sink.flush()
        if self.sink.postgresql:  # ids given here, after end_load moved the sequences
            self.sink.execute(
                "SELECT setval(pg_get_serial_sequence('escalation', 'id'), (SELECT max(id) FROM escalation))"
            )
        self.summary.counts["escalation_watch"] = len(watches)

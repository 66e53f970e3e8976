"""The scale generator: a province's years of văn bản đến and đi, their cases, tasks, audit chain and search catalogue.

    generate(options) -> Summary   (inside an app context on a migrated, empty database)

Every incoming case is a clone of the template case of bench/scale_org.py, which the real services drove through
processes/incoming.bpmn: its rows (document, assignment, number, tasks, instance) are the template's rows with the
case's own values, and its workflow state is the engine's stored state of the same step with the case's values put
in (StateCloner) — what the engine would have stored, without replaying it a million times. Outgoing documents are
stored issued (numbered, registered, searchable, audited) without a workflow case: driving outgoing.bpmn needs a
personal signing key per leader, which measures nothing the inbox, search or reports read.

Rows go in with PostgreSQL COPY (FK triggers off, secondary indexes dropped and rebuilt after) or SQLite executemany
in large transactions; the audit rows continue the real chain (seq, HMAC) from its head, the search catalogue is
filled with the module's own `_apply` and then indexed in one statement (tsvector / FTS5).
"""

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from bench.scale_org import STAGES, StateCloner, Template, capture_template, create_province
from bench.scale_rows import Rows
from bench.scale_text import OUTSIDE, RESULTS, Words
from bench.scale_writer import Sink

LOCAL = None  # set from app.core.clock at import time of generate (keeps this module importable without the app)
BIG_TABLES = (
    "incoming_document",
    "incoming_assignment",
    "number_assignment",
    "workflow_instance",
    "human_task",
    "audit_event",
    "search_entry",
    "outgoing_document",
)
# Where open cases wait: most with the lead specialist, some at each earlier step; (stage, share, arrived within
# so many days): the first steps take hours (a day's SLA), handling takes up to the leader's deadline (5–15 days).
OPEN_STAGES = (("received", 8, 1), ("registered", 10, 2), ("directed", 12, 3), ("assigned", 70, 18))


@dataclass
class Options:
    docs: int = 1_000_000
    agencies: int = 300
    users: int = 30_000
    seed: int = 2026
    incoming_share: float = 0.62  # 5 tasks per incoming case: ~3 completed tasks per document overall
    open_per_doc: float = 0.1  # 100 000 open tasks per million documents
    now: datetime | None = None  # the instant the data ends at (and the benchmarks measure at)
    chunk: int = 10_000  # documents per transaction
    log: object = print


@dataclass
class Summary:
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    now: datetime | None = None
    template_document_id: int = 0


def default_now() -> datetime:
    from app.core.clock import LOCAL_TZ

    return datetime(2026, 12, 1, 9, 30, tzinfo=LOCAL_TZ)  # a Tuesday morning


def working_instant(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random instant in office hours (Mon–Fri 07:30–17:00 local) between start and end."""
    from app.core.clock import LOCAL_TZ

    span = (end - start).total_seconds()
    for _ in range(20):
        moment = (start + timedelta(seconds=rng.random() * span)).astimezone(LOCAL_TZ)
        day = moment.date()
        if day.weekday() < 5:
            break
    minute = rng.randint(7 * 60 + 30, 16 * 60 + 30)
    moment = datetime(day.year, day.month, day.day, minute // 60, minute % 60, rng.randint(0, 59), tzinfo=LOCAL_TZ)
    return min(max(moment, start), end)


def end_of_working_day(day: date) -> datetime:
    from app.core.clock import LOCAL_TZ

    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=LOCAL_TZ)


def working_minutes(start: datetime, end: datetime) -> int:
    """Office minutes between two instants, roughly: a span within a day in full, longer ones 8 h of 24, 5 days of 7."""
    minutes = (end - start).total_seconds() / 60
    return int(minutes if minutes <= 480 else minutes * 8 / 24 * 5 / 7)


def apportion(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, largest remainders first: the parts add up to `total`."""
    shares = [total * w / sum(weights) for w in weights]
    parts = [int(s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: parts[i] - shares[i])[: total - sum(parts)]:
        parts[i] += 1
    return parts


def utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


t_of = utc
SIGNERS = ("Giám đốc", "Phó Giám đốc", "Chủ tịch", "Phó Chủ tịch", "Thứ trưởng", "Chánh Văn phòng")


class Generator(Rows):
    def __init__(self, options: Options) -> None:
        self.o = options
        self.now = options.now or default_now()
        self.rng = random.Random(options.seed)
        self.words = Words(options.seed + 1)
        self.summary = Summary(now=self.now)

    # --- setup ---------------------------------------------------------------------------------------------------

    def setup(self) -> None:
        from app.core import clock
        from app.core.db import db
        from app.core.transaction import unit_of_work
        from app.workflow.definitions import sync_processes

        started = self.now - timedelta(days=760)
        with clock.frozen(started), unit_of_work():
            sync_processes()
        t = time.perf_counter()
        self.places, self.people = create_province(self.o.agencies, self.o.users, self.o.seed, started)
        self.summary.seconds["province"] = time.perf_counter() - t
        self.template: Template = capture_template(self.places[0], started + timedelta(days=1, hours=2))
        self.summary.template_document_id = self.template.document_id
        self.cloners = {name: StateCloner(stage) for name, stage in self.template.stages.items()}
        self.deltas = {}  # task name -> due minus created, as the engine computed it for the template
        for task in self.template.stages["done"].tasks:
            self.deltas[task["task_name"]] = task["due_at"] - task["created_at"]
        tpl = self.template.values
        self.user_keys = ("clerk", "leader", "unit_leader", "specialist")
        self.template_users = [tpl[k] for k in self.user_keys]
        self.sink = Sink(db.engine, db.metadata, BIG_TABLES)

    # --- one incoming case -----------------------------------------------------------------------------------------

    def incoming_case(self, place, arrived: datetime, stage: str, number: tuple | None) -> None:
        from app.core.folding import fold_vietnamese
        from app.documents.symbols import document_key

        rng, words, ids, tpl = self.rng, self.words, self.sink.ids, self.template
        st = tpl.stages[stage]
        doc_id, instance_id = ids.next("incoming_document"), ids.next("workflow_instance")
        unit_id, unit_name = rng.choice(place.units[1:] or place.units)
        people = {
            "clerk": rng.choice(place.clerks),
            "leader": rng.choice(place.leaders),
            "unit_leader": place.unit_leaders[unit_id],
            "specialist": rng.choice(place.specialists.get(unit_id) or [place.unit_leaders[unit_id]]),
        }
        users = dict(zip(self.template_users, (people[k] for k in self.user_keys), strict=True))
        type_name, _ = words.doc_type()
        local = arrived.astimezone(arrived.tzinfo)
        subject = words.subject(type_name, local.year, local.month)
        if rng.random() < 0.45:
            sender_code, sender_name, notation = rng.choice(OUTSIDE)
        else:
            other = rng.choice(self.places)
            sender_code, sender_name, notation = other.code, other.name, f"{other.abbreviation}-VP"
        urgent = rng.random() < 0.06
        issued = (arrived - timedelta(days=rng.randint(1, 6))).date()
        code_number = str(rng.randint(1, 4000))
        due_day = end_of_working_day((arrived + timedelta(days=rng.randint(5, 15))).date())
        # Step instants: check, register, direct, assign, handle.
        t1 = arrived + timedelta(minutes=rng.randint(5, 90) if not urgent else rng.randint(2, 20))
        t2 = t1 + timedelta(minutes=rng.randint(5, 40))
        t3 = t2 + timedelta(minutes=rng.randint(30, 480))
        t4 = t3 + timedelta(minutes=rng.randint(30, 480))
        if rng.random() < 0.85:
            t5 = t4 + (due_day - t4) * rng.uniform(0.05, 0.95)
        else:
            t5 = due_day + timedelta(minutes=rng.randint(60, 60 * 24 * 7))
        reached = STAGES.index(stage)
        times = [min(t, self.now - timedelta(minutes=5 * (5 - i))) for i, t in enumerate((t1, t2, t3, t4, t5))]
        t1, t2, t3, t4, t5 = times
        direction = f"Giao {unit_name} chủ trì tham mưu, báo cáo kết quả."
        result = rng.choice(RESULTS) if stage == "done" else None
        register_id, year, arrival_number = number if number else (None, None, None)
        values = {
            "document_id": doc_id,
            "object_id": str(doc_id),
            "sender_code": sender_code,
            "sender_name": sender_name,
            "code_number": code_number,
            "code_notation": notation,
            "issued_date": issued.isoformat(),
            "type_name": type_name,
            "subject": subject,
            "y_kien_chi_dao": direction,
            "lead_unit_id": unit_id,
            "han_xu_ly": due_day.date().isoformat(),
            "lead_due": due_day.date().isoformat(),
            "ket_qua": result,
            "urgency": "khan" if urgent else "thuong",
            "urgent": urgent,
            "arrival_number": arrival_number,
            "arrival_year": year,
            "register_id": register_id,
            "signer_position": rng.choice(SIGNERS),
            "signer_name": words.person(),
        }
        state, size = self.cloners[stage].clone(values, users)
        symbol = f"{code_number}/{notation}"
        title = f"{symbol} {sender_name}: {subject}"
        doc = dict(st.document)
        doc.update(
            id=doc_id,
            agency_id=place.id,
            channel="electronic" if rng.random() < 0.8 else "paper",
            message_id=None,
            sender_code=sender_code,
            sender_name=sender_name,
            sender_folded=fold_vietnamese(sender_name)[:200],
            code_number=code_number,
            code_notation=notation,
            issued_date=issued,
            type_name=type_name,
            subject=subject,
            subject_folded=fold_vietnamese(subject)[:500],
            page_count=rng.randint(1, 6),
            urgency=values["urgency"],
            arrived_at=utc(arrived),
            signer_position=values["signer_position"],
            signer_name=values["signer_name"],
            created_by_id=people["clerk"],
            document_key=document_key(sender_code, code_number, notation, issued),
            register_id=register_id,
            arrival_year=year,
            arrival_number=arrival_number,
            registered_at=utc(t2) if reached >= 1 else None,
            registered_by_id=people["clerk"] if reached >= 1 else None,
            direction=direction if reached >= 2 else None,
            lead_unit_id=unit_id if reached >= 2 else None,
            lead_user_id=people["specialist"] if reached >= 3 else None,
            handling_due=due_day.date() if reached >= 2 else None,
            result=result,
            completed_at=utc(t5) if stage == "done" else None,
        )
        self.sink.add("incoming_document", doc)
        for assignment in st.assignments:
            row = dict(assignment)
            row.update(
                id=ids.next("incoming_assignment"),
                document_id=doc_id,
                unit_id=unit_id,
                user_id=people["specialist"] if assignment.get("user_id") else None,
                due_date=due_day.date() if assignment.get("due_date") else None,
                created_by_id=people["leader"],
                created_at=utc(t3),
            )
            self.sink.add("incoming_assignment", row)
        if number:
            assignment_id = ids.next("number_assignment")
            self.sink.add(
                "number_assignment",
                {
                    "id": assignment_id,
                    "register_id": register_id,
                    "year": year,
                    "number": arrival_number,
                    "object_type": "incoming",
                    "object_id": doc_id,
                    "assigned_at": utc(t2),
                    "assigned_by_id": None,
                },
            )
        last = (arrived, t1, t2, t3, t4, t5)[reached if stage != "done" else 5]
        self.sink.add(
            "workflow_instance",
            {
                "id": instance_id,
                "process_version_id": tpl.process_version_id,
                "process_id": "incoming",
                "agency_id": place.id,
                "object_type": "incoming",
                "object_id": str(doc_id),
                "title": title[:500],
                "status": st.status,
                "is_urgent": urgent,
                "state": state,
                "state_size": size,
                "next_timer_at": None,
                "error_message": None,
                "error_task": None,
                "started_by_id": people["clerk"],
                "started_at": utc(arrived),
                "updated_at": utc(last),
                "completed_at": utc(t5) if stage == "done" else None,
            },
        )
        self.incoming_tasks(SimpleNamespace(**locals()))
        self.search_entry("incoming", doc_id, self.incoming_fields(doc, place, people, unit_id))

    # --- the whole province ------------------------------------------------------------------------------------

    def run(self) -> Summary:
        import functools

        from app.core.db import db
        from app.documents.fulltext import text

        # Senders, types, units and names repeat across a million documents: fold each once (the same function).
        fold = text.fold_vietnamese
        text.fold_vietnamese = functools.lru_cache(maxsize=200_000)(fold)
        try:
            return self._run(db)
        finally:
            text.fold_vietnamese = fold

    def _run(self, db) -> Summary:

        o, rng, log = self.o, self.rng, self.o.log
        t0 = time.perf_counter()
        self.setup()
        self.start_chain()
        self.open_tasks: list[dict] = []
        self.sink.begin_load()
        n_in_total = round(o.docs * o.incoming_share)
        open_total = min(round(o.docs * o.open_per_doc), n_in_total)
        weights = [p.weight for p in self.places]
        incoming_counts = apportion(n_in_total, weights)
        outgoing_counts = apportion(o.docs - n_in_total, weights)
        open_counts = [min(n, k) for n, k in zip(incoming_counts, apportion(open_total, weights), strict=True)]
        with db.engine.connect() as conn:  # numbers the services gave (the template case) come first
            counters = {(r, y): n for r, y, n in conn.execute(sa.text("SELECT * FROM register_counter"))}
        start = self.now - timedelta(days=730)
        stage_names, stage_weights, stage_days = zip(*OPEN_STAGES, strict=True)
        window = dict(zip(stage_names, stage_days, strict=True))
        done_docs, t_load = 0, time.perf_counter()
        for place, n_in, n_out, n_open in zip(self.places, incoming_counts, outgoing_counts, open_counts, strict=True):
            items = [(working_instant(rng, start, self.now - timedelta(days=30)), "done") for _ in range(n_in - n_open)]
            for stage in rng.choices(stage_names, weights=stage_weights, k=n_open):
                since = self.now - timedelta(days=window[stage])
                items.append((working_instant(rng, since, self.now - timedelta(minutes=30)), stage))
            items += [(working_instant(rng, start, self.now - timedelta(hours=2)), "outgoing") for _ in range(n_out)]
            items.sort(key=lambda item: item[0])
            for when, stage in items:
                kind = "outgoing" if stage == "outgoing" else "incoming"
                number = None
                if stage != "received":
                    register_id = place.registers[kind]
                    year = when.year
                    counters[register_id, year] = counters.get((register_id, year), 0) + 1
                    number = (register_id, year, counters[register_id, year])
                if kind == "outgoing":
                    self.outgoing_document(place, when, number)
                else:
                    self.incoming_case(place, when, stage, number)
                done_docs += 1
                if done_docs % o.chunk == 0:
                    self.sink.flush()
                    rate = done_docs / (time.perf_counter() - t_load)
                    log(f"  {done_docs} documents ({rate:.0f}/s)")
        self.sink.flush()
        self.summary.seconds["rows"] = time.perf_counter() - t_load
        t = time.perf_counter()
        self.finish()
        self.summary.seconds["indexes"] = time.perf_counter() - t
        t = time.perf_counter()
        self.watch_open_tasks()
        self.summary.seconds["escalation"] = time.perf_counter() - t
        self.summary.counts = dict(self.sink.written)
        self.sink.close()
        db.session.remove()
        self.summary.seconds["total"] = time.perf_counter() - t0
        return self.summary


def generate(options: Options) -> Summary:
    return Generator(options).run()

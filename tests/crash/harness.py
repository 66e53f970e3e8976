"""The crash test's moving parts: a real `qlvb serve`, a killer that SIGKILLs it, a driver that keeps working.

The server is gunicorn with one worker (app.commands.serve_command). The killer waits for the driver's next write
request, then a random time (0–1.5 s, about what a signature takes on a loaded machine), then SIGKILLs the worker —
mid-request as often as not — and gunicorn's master forks a fresh one; now and then it kills the master too and
starts the server again. The driver plays the agency's people through /api/v1 with bearer tokens: receives incoming
documents (with a message id, the API's idempotency key), drafts and submits outgoing ones, and completes whatever
task is in someone's inbox — registration (số đến), direction, assignment, handling, review, signing (the leader's
PIN), issue (number and seal).
A request the kill cut off is simply asked again later from what the server says is open now; an interrupted
receipt is retried with the same message id until it answers.

Every random choice comes from one seeded `random.Random`, printed by the test, so a failure names its seed. The
thread timing around a kill is not reproducible to the millisecond; the sequence of delays and actions is.
"""

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

from app.config import PROJECT_ROOT

SUBJECT = "Về việc kiểm thử an toàn khi máy chủ bị dừng đột ngột"
RETRIES = 50  # attempts at a cut-off completion (a restart takes ~20 s on a loaded machine; a Cut waits 0.2 s)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`python -m app serve` in a process group of its own, its output in a log file."""

    def __init__(self, env: dict, log: Path) -> None:
        self.env, self.log, self.port = env, log, free_port()
        self.process: subprocess.Popen | None = None
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "app", "serve", "--port", str(self.port), "--workers", "1"]
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                command, env=self.env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.wait_ready()

    def wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"qlvb serve exited ({self.process.returncode}); see {self.log}")
            try:
                if requests.get(f"{self.base}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise AssertionError(f"qlvb serve did not answer; see {self.log}")

    def workers(self) -> list[int]:
        found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in found.stdout.split()]

    def kill_worker(self) -> None:
        """SIGKILL the worker(s); the master forks a new one. Returns once one answers."""
        for pid in self.workers():
            with contextlib.suppress(ProcessLookupError):  # exited meanwhile
                os.kill(pid, signal.SIGKILL)
        self.wait_ready()

    def kill_all(self) -> None:
        """SIGKILL the whole server (master and workers), then start it again on the same port."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


class Killer(threading.Thread):
    """Kill the server `kills` times, each at a random delay after the driver next sends a write."""

    def __init__(self, server: Server, rng: random.Random, kills: int, *, delay=(0.0, 1.5), restarts_per=20):
        super().__init__(daemon=True)
        self.server, self.kills = server, kills
        # Set by the driver when it sends a write (a receipt, a submission, a task completion: registration, signing,
        # issue): each kill waits for one, then its delay, so it lands in or just after a write, not in a poll.
        self.write_started = threading.Event()
        # One kill in `restarts_per` takes the master too (a restart costs ~20 s on a loaded machine, a worker ~1 s).
        whole = set(rng.sample(range(kills), max(1, kills // restarts_per))) if kills else set()
        # Drawn up front: the driver's thread shares no generator with this one, so the seed fixes both sequences.
        # Each kill first lets 0 or 1 writes through (the driver is sequential: the next write starting means the one
        # before got its answer), so the cases move on to their numbers and signatures between the kills.
        self.plan = [(rng.randint(0, 1), rng.uniform(*delay), n in whole) for n in range(kills)]
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.count = 0

    def run(self) -> None:
        try:
            for spared, wait, whole in self.plan:
                for _ in range(spared + 1):
                    self.write_started.clear()
                    self.write_started.wait(timeout=10)
                time.sleep(wait)
                if whole:
                    self.server.kill_all()
                else:
                    self.server.kill_worker()
                self.count += 1
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.done.set()


class Cut(Exception):
    """The request never got its answer: the server died under it."""


@dataclass
class Driver:
    """The agency's people working through the REST API, whatever the server's fate."""

    base: str
    seed_data: dict
    rng: random.Random
    incoming_pdf: bytes
    draft_pdf: bytes
    statuses: list = field(default_factory=list)  # (what was asked, status) of every answer
    cut: Counter = field(default_factory=Counter)  # what the kills cut off: "POST /incoming", "approve_sign" …
    message_ids: list[str] = field(default_factory=list)  # every message id sent
    unsent: list[str] = field(default_factory=list)  # receipts to retry with the same id
    unsubmitted: list[int] = field(default_factory=list)
    serial: int = 0
    write_started: threading.Event | None = None  # Killer.write_started
    retried: list = field(default_factory=list)  # (task name, status, error code) of completions sent again

    def headers(self, who: str) -> dict:
        return {"Authorization": f"Bearer {self.seed_data['tokens'][who]}"}

    def call(self, who: str, method: str, path: str, label: str = "", **kwargs) -> requests.Response:
        if method != "GET" and self.write_started is not None:
            self.write_started.set()
        try:
            response = requests.request(
                method, f"{self.base}/api/v1{path}", headers=self.headers(who), timeout=60, **kwargs
            )
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            self.cut[label or f"{method} {path.split('?')[0]}"] += 1
            time.sleep(0.2)  # the master forks a new worker, or the server starts again
            raise Cut(str(exc)) from exc
        self.statuses.append((label or f"{method} {path.split('?')[0]}", response.status_code))
        return response

    # --- actions ----------------------------------------------------------------------------------------

    def receive(self, message_id: str) -> None:
        metadata = {
            "sender_code": "000.00.01.H33",
            "sender_name": "Sở Nội vụ tỉnh Kiên Giang",
            "code_number": str(100 + self.serial),
            "code_notation": "SNV-TCBC",
            "issued_date": "2026-11-20",
            "type_name": "Công văn",
            "subject": f"{SUBJECT} ({message_id})",
            "message_id": message_id,
        }
        files = {"files": ("cong-van.pdf", self.incoming_pdf, "application/pdf")}
        try:
            self.call("clerk", "POST", "/incoming", data={"metadata": json.dumps(metadata)}, files=files)
        except Cut:
            self.unsent.append(message_id)  # NĐ 30 Điều 22: asked again with the same id, received once

    def new_incoming(self) -> None:
        self.serial += 1
        message_id = f"crash-{self.serial}"
        self.message_ids.append(message_id)
        self.receive(message_id)

    def new_outgoing(self) -> None:
        self.serial += 1
        ids = self.seed_data["ids"]
        metadata = {
            "type_code": "CV",
            "subject": f"{SUBJECT} số {self.serial}",
            "urgency": "thuong",
            "place": "Rạch Giá",
            "drafting_unit_id": self.seed_data["units"]["a"],
            "signer_id": ids["leader"],
            "signer_title": "Chủ tịch",
            "recipient_unit_ids": [self.seed_data["units"]["b"]],
        }
        files = {"file": ("du-thao.pdf", self.draft_pdf, "application/pdf")}
        try:
            response = self.call(
                "specialist", "POST", "/outgoing", data={"metadata": json.dumps(metadata)}, files=files
            )
        except Cut:
            return  # a draft that may exist or not: nothing is numbered or signed before it is submitted
        if response.status_code == 201:
            self.unsubmitted.append(response.json()["id"])

    def submit(self, document_id: int) -> None:
        try:
            response = self.call("specialist", "POST", f"/outgoing/{document_id}/submit", label="submit")
        except Cut:
            return
        if response.status_code == 200 or response.json().get("code") == "outgoing_already_submitted":
            self.unsubmitted.remove(document_id)

    def task_data(self, task: dict) -> tuple[dict, str | None]:
        ids, name = self.seed_data["ids"], task["task_name"]
        return {
            "check_document": ({}, "tiep_nhan"),
            "register_document": (
                {"sender_name": "Sở Nội vụ tỉnh Kiên Giang", "type_name": "Công văn", "subject": task["object_title"]},
                None,
            ),
            "direct_handling": (
                {"y_kien_chi_dao": "Giao Phòng Tổng hợp xử lý", "lead_unit_id": self.seed_data["units"]["a"]},
                None,
            ),
            "assign_specialist": ({"lead_user_id": ids["specialist"]}, None),
            "handle_document": ({"ket_qua": "Đã xử lý"}, "hoan_thanh"),
            "review_content": ({}, "approve"),
            "check_format": ({}, "approve"),
            "approve_sign": ({"pin": self.seed_data["pin"]}, "sign"),
            "issue_document": (
                {"register_id": self.seed_data["outgoing_register_id"], "notation": "UBND-TH"},
                "issue",
            ),
        }.get(name, ({}, None))

    def open_tasks(self) -> list[tuple[str, dict]]:
        found = []
        for who in self.seed_data["tokens"]:
            response = self.call(who, "GET", "/tasks?limit=50")
            if response.status_code == 200:
                found += [(who, task) for task in response.json()["items"]]
        return found

    def work(self, tasks: list[tuple[str, dict]]) -> None:
        """Complete one of the open tasks; one the kill cut off is sent again, the same, until it is answered: the
        first attempt either rolled back whole (the retry does it) or committed whole (the retry is refused as done,
        `task_already_completed`) — never a second number or signature (Driver.retried, checked by the test)."""
        who, task = self.rng.choice(tasks)
        data, outcome = self.task_data(task)
        path, label = f"/tasks/{task['id']}/complete", task["task_name"]
        try:
            self.call(who, "POST", path, label=label, json={"data": data, "outcome": outcome})
            return
        except Cut:
            pass
        for _ in range(RETRIES):
            try:
                response = self.call(who, "POST", path, label=label, json={"data": data, "outcome": outcome})
            except Cut:
                continue
            self.retried.append((label, response.status_code, (response.json() or {}).get("code")))
            return

    def step(self, *, max_open: int = 6) -> None:
        """One move: retry what a kill cut off, else start a case or complete a task, as the dice say."""
        try:
            if self.unsent:
                message_id = self.unsent.pop(0)
                self.receive(message_id)
                return
            if self.unsubmitted:
                self.submit(self.unsubmitted[0])
                return
            tasks = self.open_tasks()
            if not tasks or (len(tasks) < max_open and self.rng.random() < 0.3):
                self.new_incoming() if self.serial % 2 else self.new_outgoing()  # both kinds, in turn
            else:
                self.work(tasks)
        except Cut:
            pass

    def settle(self, *, rounds: int = 200) -> None:
        """After the last kill: retry what is pending so every receipt got its answer."""
        for _ in range(rounds):
            if not self.unsent and not self.unsubmitted:
                return
            self.step()
        raise AssertionError(f"still pending after the kills: {self.unsent} {self.unsubmitted}")

    def finish(self, *, rounds: int) -> None:
        """Complete open tasks, starting nothing new, until none is left or `rounds` moves were made: the cases the
        kills interrupted go on to their number and seal (and show that the kills did them no harm)."""
        for _ in range(rounds):
            try:
                tasks = self.open_tasks()
                if not tasks:
                    return
                self.work(tasks)
            except Cut:
                pass

    def answers(self) -> Counter:
        """How many answers of each status each kind of request got: the failure message shows it."""
        return Counter(f"{label} {status}" for label, status in self.statuses)

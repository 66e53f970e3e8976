"""Two qlvb deployments on one machine exchange an outgoing document and its whole status history over HTTP
(protocol qlvb-peer/1), survive a restart of either side mid-exchange, and a package exported to a file imports on
the other side (issue 14, "Done when").

Each deployment is a real `qlvb serve` (gunicorn) on a free 127.0.0.1 port with its own database (two fresh
PostgreSQL databases, or two SQLite files), instance folder, blob store and key-encryption key, and an operator
process of its own (tests/exchange/deployment.py) with that deployment's environment, standing for an administrator's
shell on its host: it migrates, sets the agency up and pairs the two with the very `qlvb exchange …` commands of the
README. Both trust the root of one throwaway PKI (QLVB_TRUST_ROOTS), which issued each agency's seal, its leader's
personal key and its exchange certificate (the XML-DSig envelope of packages).

Sending is deterministic: the servers run without their scheduler and without the send after commit, and the
operator runs the scheduler's job `exchange.send_outbox` once when the test says so; a failed try's backoff is made
due at once instead of waited for. Everything else goes through the REST API with each person's bearer token, as a
client program would, and the clerk's package download through the web page.
"""

from __future__ import annotations

import base64
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from app.config import PROJECT_ROOT
from tests.conftest import CSRF_INPUT, PASSWORD, fresh_database_url

pytest.importorskip("gunicorn", reason="gunicorn (the production server of `qlvb serve`) is not installed")

BUDGET_SECONDS = 170  # the whole exchange, both servers' starts included, stays under 3 minutes
HTTP_TIMEOUT = 60
OPERATOR_TIMEOUT = 120
PIN = "Lienthong@2026"  # the throwaway PKI's passphrase: the leaders' PIN and the keys' passphrase

A = {
    "code": "000.00.00.H29",  # QCVN 102:2016 form
    "name": "Ủy ban nhân dân Thành phố Hồ Chí Minh",
    "short_name": "UBND TP Hồ Chí Minh",
    "abbreviation": "UBND",
    "unit_name": "Văn phòng Ủy ban nhân dân",
    "unit_abbreviation": "VP",
    "place": "Thành phố Hồ Chí Minh",
    "people": {
        "clerk": ["vanthu.hcm", "Nguyễn Thị Thu Hà", ["van_thu"], False],
        "leader": ["lanhdao.hcm", "Trần Văn Minh", ["lanh_dao"], False],
        "unit_leader": ["chanhvanphong.hcm", "Phạm Thị Lan", ["lanh_dao_don_vi"], True],
        "specialist": ["chuyenvien.hcm", "Võ Quốc Bảo", ["chuyen_vien"], True],
        "admin": ["quantri.hcm", "Bùi Thanh Tùng", ["quan_tri"], False],
    },
}
B = {
    "code": "H26.15",  # QĐ 20/2020 form, for variety
    "name": "Sở Nội vụ Thành phố Hà Nội",
    "short_name": "Sở Nội vụ TP Hà Nội",
    "abbreviation": "SNV",
    "unit_name": "Phòng Công chức, viên chức",
    "unit_abbreviation": "CCVC",
    "place": "Hà Nội",
    "people": {
        "clerk": ["vanthu.snv", "Lê Thị Hồng Nhung", ["van_thu"], False],
        "leader": ["giamdoc.snv", "Đỗ Minh Quân", ["lanh_dao"], False],
        "unit_leader": ["truongphong.snv", "Hoàng Văn Sơn", ["lanh_dao_don_vi"], True],
        "specialist": ["chuyenvien.snv", "Ngô Thị Thanh Tâm", ["chuyen_vien"], True],
        "admin": ["quantri.snv", "Đinh Công Hậu", ["quan_tri"], False],
    },
}
KEY_ID = "hcm-hn-2026"  # the pairing's key id, configured identically on both sides
SUBJECT = "Về việc phối hợp chia sẻ dữ liệu cán bộ, công chức giữa hai thành phố"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Deployment:
    """One deployment: its folder, environment and port; its server when running; one HTTP session per person."""

    name: str
    folder: Path
    env: dict
    port: int
    spec: dict
    server: subprocess.Popen | None = None
    operator: subprocess.Popen | None = None
    terminating: bool = False
    ids: dict = field(default_factory=dict)
    starts: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.base}/api/v1"

    def open_operator(self) -> None:
        """The deployment's operator process (tests/exchange/deployment.py), kept for the whole test."""
        with open(self.folder / "operator.log", "w") as log:
            self.operator = subprocess.Popen(
                [sys.executable, "-m", "tests.exchange.deployment"],
                env=self.env,
                cwd=PROJECT_ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
            )

    def close_operator(self) -> None:
        if self.operator is not None:
            self.operator.stdin.close()
            try:
                self.operator.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.operator.kill()
                self.operator.wait()
            self.operator.stdout.close()
            self.operator = None

    def call(self, cmd: str, **args):
        """One command of the operator; its result, or the test fails with the operator's traceback."""
        self.send(cmd, **args)
        return self._answer()

    def send(self, cmd: str, **args) -> None:
        """Give the operator a command without waiting (two deployments prepare side by side); `_answer()` waits."""
        line = json.dumps({"cmd": cmd, "args": args}, ensure_ascii=False) + "\n"
        self.operator.stdin.write(line.encode())
        self.operator.stdin.flush()

    def _answer(self, seconds: float = OPERATOR_TIMEOUT):
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{self.name}: the operator did not answer in {seconds:g} s"
            ready, _, _ = select.select([self.operator.stdout], [], [], remaining)
            line = self.operator.stdout.readline() if ready else b""
            if ready and not line:
                raise AssertionError(f"{self.name}: the operator exited:\n{self.log_tail('operator.log')}")
            if line.startswith(b"@@ "):
                answer = json.loads(line[3:])
                assert answer["ok"], f"{self.name}: operator command failed:\n{answer['error']}"
                return answer["result"]

    def send_outbox(self, *, due_now: bool = True, resend_sent: bool = False) -> dict:
        result = self.call("send_outbox", due_now=due_now, resend_sent=resend_sent)
        assert result["ok"], f"{self.name}: the outbox job raised:\n{self.log_tail('operator.log')}"
        return result

    def start(self) -> None:
        self.launch()
        self.wait_started()

    def launch(self) -> None:
        assert self.server is None
        self.starts += 1
        command = [sys.executable, "-m", "app", "serve", "--port", str(self.port), "--workers", "2"]
        with open(self.folder / f"serve-{self.starts}.log", "w") as log:  # the child keeps its own descriptor
            self.server = subprocess.Popen(
                command, env=self.env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT
            )

    def wait_started(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.server.poll() is None, f"{self.name}: qlvb serve exited:\n{self.log_tail()}"
            try:
                requests.get(f"{self.base}/healthz", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise AssertionError(f"{self.name}: qlvb serve did not start:\n{self.log_tail()}")

    def terminate(self) -> None:
        """Ask the server to stop (gunicorn's graceful stop), once; `stop()` waits for it."""
        if self.server is not None and not self.terminating:
            self.server.send_signal(signal.SIGTERM)
            self.terminating = True

    def stop(self) -> None:
        if self.server is None:
            return
        self.terminate()
        try:
            self.server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        self.server, self.terminating = None, False

    def log_tail(self, name: str | None = None, lines: int = 40) -> str:
        path = self.folder / (name or f"serve-{self.starts}.log")
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def session(self, person: str) -> requests.Session:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {self.ids['tokens'][person]}"
        return http

    def web_session(self, person: str) -> requests.Session:
        """A signed-in browser-like session (the pages use cookies and CSRF tokens, not bearer tokens)."""
        http = requests.Session()
        page = http.get(f"{self.base}/login", timeout=HTTP_TIMEOUT).text
        match = CSRF_INPUT.search(page)
        assert match, "no CSRF token on /login"
        username = self.spec["people"][person][0]
        form = {"username": username, "password": PASSWORD, "csrf_token": match.group(1) or match.group(2)}
        signed_in = http.post(f"{self.base}/login", data=form, timeout=HTTP_TIMEOUT, allow_redirects=False)
        assert signed_in.status_code in (302, 303), signed_in.text[:500]
        return http


def ok(response: requests.Response, status: int = 200) -> dict:
    assert response.status_code == status, f"{response.request.method} {response.url}: {response.text[:1000]}"
    return response.json()


def my_task(deployment: Deployment, person: str, process: str, object_id: int, name: str) -> dict:
    http = deployment.session(person)
    page = ok(http.get(f"{deployment.api}/tasks", params={"process_id": process}, timeout=HTTP_TIMEOUT))
    found = [t for t in page["items"] if t["object_id"] == str(object_id) and t["task_name"] == name]
    assert len(found) == 1, (name, [(t["task_name"], t["object_id"]) for t in page["items"]])
    detail = ok(http.get(f"{deployment.api}/tasks/{found[0]['id']}", timeout=HTTP_TIMEOUT))
    assert detail["can_act"] is True, detail
    return detail


def complete(deployment: Deployment, person: str, task: dict, data: dict, outcome: str | None = None) -> None:
    http = deployment.session(person)
    body = {"data": data, "outcome": outcome}
    ok(http.post(f"{deployment.api}/tasks/{task['id']}/complete", json=body, timeout=HTTP_TIMEOUT))


def step(deployment: Deployment, person: str, process: str, object_id: int, name: str, data=None, outcome=None):
    """Complete a person's open task; without `data`, with the values the form starts from (as the page sends)."""
    task = my_task(deployment, person, process, object_id, name)
    complete(deployment, person, task, task.get("values") or {} if data is None else data, outcome)


# --- the two deployments ----------------------------------------------------------------------------------------


def throwaway_pki(folder: Path) -> dict[str, dict[str, str]]:
    """One demo PKI for both: each agency's seal, its leader's personal key and its exchange certificate (RSA, as
    XML-DSig rsa-sha256 needs); the root is written to a PEM file that both deployments trust."""
    from app.signing.pki import build_demo_pki

    people = []
    for spec in (A, B):  # certificate names hold 64 bytes: the short names
        people.append((spec["people"]["leader"][0], spec["people"]["leader"][1], spec["short_name"]))
        people.append(
            (f"lienthong.{spec['abbreviation'].lower()}", f"Liên thông {spec['short_name']}", spec["short_name"])
        )
    agencies = [(spec["code"], spec["short_name"]) for spec in (A, B)]
    pki = build_demo_pki(agencies, people, passphrase=PIN)
    (folder / "trust-root.pem").write_bytes(pki.root_pem)

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return {
        spec["code"]: {
            "leader": b64(pki.personal[spec["people"]["leader"][0]]),
            "seal": b64(pki.seals[spec["code"]]),
            "exchange": b64(pki.personal[f"lienthong.{spec['abbreviation'].lower()}"]),
        }
        for spec in (A, B)
    }


def new_deployment(name: str, spec: dict, root: Path) -> Deployment:
    folder = root / name
    folder.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "QLVB_INSTANCE_PATH": str(folder / "instance"),
        "QLVB_DATABASE_URL": fresh_database_url(folder, f"exchange_{name}"),
        "QLVB_BLOB_PATH": str(folder / "blobs"),
        "QLVB_TRUST_ROOTS": str(root / "trust-root.pem"),
        "QLVB_SCHEDULER": "0",  # the test runs the outbox job itself (deterministic)
        "QLVB_LOG_LEVEL": "WARNING",
        "QLVB_SMTP_SEND_AFTER_COMMIT": "0",
        "QLVB_EXCHANGE_SEND_AFTER_COMMIT": "0",  # no background send after a commit: the test sends
        "QLVB_ARGON2_TIME_COST": "1",
        "QLVB_ARGON2_MEMORY_KIB": "1024",
        "QLVB_AUDIT_CHECKPOINTS": "",
    }
    return Deployment(name, folder, env, free_port(), spec)


def prepare(deployments: list[Deployment], keys: dict) -> None:
    """Migrate each fresh database and set each agency up, in the deployments' operators, side by side."""
    for deployment in deployments:
        deployment.open_operator()
    for deployment in deployments:
        assert deployment._answer() == "ready"
        deployment.send("upgrade")
    for deployment in deployments:
        deployment._answer()
        spec = {k: v for k, v in deployment.spec.items() if k not in ("place", "short_name")}
        p12 = keys[deployment.spec["code"]]
        deployment.send("setup", spec={**spec, "password": PASSWORD, "pin": PIN, "p12": p12})
    for deployment in deployments:
        deployment.ids = deployment._answer()


def pair(a: Deployment, b: Deployment) -> None:
    """The README's pairing, with `qlvb exchange` on each host: A declares B and prints a new secret (shown once),
    B declares A with that secret under the same key id; each puts the other's agency in its directory."""

    def qlvb(here: Deployment, *args: str) -> str:
        return here.call("qlvb", argv=["exchange", *args])

    def peer_add(here: Deployment, there: Deployment, *secret: str) -> str:
        name = f"Hệ thống quản lý văn bản của {there.spec['name']}"
        return qlvb(here, "peer", "add", "--name", name, "--key-id", KEY_ID, "--url", there.base, *secret)

    printed = peer_add(a, b).strip().splitlines()
    assert "chỉ in một lần" in printed[-2], printed
    peer_add(b, a, "--secret", printed[-1].strip())
    for here, there in ((a, b), (b, a)):
        qlvb(here, "directory", "add", there.spec["code"], there.spec["name"], "--peer", KEY_ID)


@pytest.fixture
def deployments(tmp_path):
    started = time.monotonic()
    keys = throwaway_pki(tmp_path)
    a, b = new_deployment("a", A, tmp_path), new_deployment("b", B, tmp_path)
    try:
        prepare([a, b], keys)
        pair(a, b)
        for deployment in (a, b):
            deployment.launch()
        for deployment in (a, b):
            deployment.wait_started()
        yield a, b, started
    finally:
        for deployment in (a, b):
            deployment.terminate()  # both stop at once
        for deployment in (a, b):
            deployment.stop()
            deployment.close_operator()


# --- the scenario -----------------------------------------------------------------------------------------------


def draft_pdf_bytes() -> bytes:
    from app.signing.sample import draft_pdf

    return draft_pdf(
        agency_parent="",
        agency_name=A["name"],
        notation_hint="UBND-VP",
        place=A["place"],
        type_name=None,
        subject=SUBJECT,
        body=["Ủy ban nhân dân Thành phố đề nghị Sở Nội vụ Thành phố Hà Nội phối hợp chia sẻ dữ liệu."],
        signer_authority="TM.",
        signer_title="Chủ tịch",
        signer_name=A["people"]["leader"][1],
        recipients=[B["name"]],
    )


def issue_outgoing(a: Deployment) -> int:
    """The specialist drafts to B's agency (outside the deployment), the unit leader and the clerk approve, the
    leader signs with the PIN, the clerk numbers, seals and issues: dispatch queues the package."""
    metadata = {
        "type_code": "CV",
        "subject": SUBJECT,
        "urgency": "thuong",
        "place": A["place"],
        "drafting_unit_id": a.ids["unit_id"],
        "signer_id": a.ids["users"]["leader"],
        "signer_authority": "TM.",
        "signer_title": "Chủ tịch",
        "recipients_external": [{"code": B["code"], "name": B["name"]}],
    }
    specialist = a.session("specialist")
    created = ok(
        specialist.post(
            f"{a.api}/outgoing",
            data={"metadata": json.dumps(metadata, ensure_ascii=False)},
            files={"file": ("du-thao.pdf", draft_pdf_bytes(), "application/pdf")},
            timeout=HTTP_TIMEOUT,
        ),
        201,
    )
    document_id = created["id"]
    ok(specialist.post(f"{a.api}/outgoing/{document_id}/submit", timeout=HTTP_TIMEOUT))
    step(a, "unit_leader", "outgoing", document_id, "review_content", {}, "approve")
    step(a, "clerk", "outgoing", document_id, "check_format", {}, "approve")
    step(a, "leader", "outgoing", document_id, "approve_sign", {"pin": PIN}, "sign")
    issue = {"register_id": a.ids["registers"]["outgoing"], "notation": "UBND-VP"}
    step(a, "clerk", "outgoing", document_id, "issue_document", issue, "issue")
    return document_id


def recipient_of(a: Deployment, document_id: int) -> dict:
    rows = ok(a.session("clerk").get(f"{a.api}/outgoing/{document_id}/recipients", timeout=HTTP_TIMEOUT))
    [row] = [r for r in rows if r["code"] == B["code"]]
    return row


def history(a: Deployment, document_id: int) -> list[str]:
    return [h["code"] for h in recipient_of(a, document_id)["history"]]


def incoming_documents(b: Deployment) -> list[dict]:
    return ok(b.session("clerk").get(f"{b.api}/incoming", timeout=HTTP_TIMEOUT))["items"]


def deliver_while_b_is_down(a: Deployment, b: Deployment) -> tuple[int, int]:
    """A issues while B is down: the package waits in A's outbox and the clerk sees why ("chưa gửi được"); once B is
    back the clerk sends it again now and B registers it. Returns (A's outgoing id, B's incoming id)."""
    b.stop()
    document_id = issue_outgoing(a)
    tried = a.send_outbox()
    assert [r["state"] for r in tried["rows"] if r["kind"] == "edoc"] == ["pending"], tried
    waiting = recipient_of(a, document_id)
    assert waiting["kind"] == "external" and waiting["delivery"] == "pending", waiting
    assert "chưa gửi được" in (waiting["delivery_error"] or "").lower(), waiting
    clerk_a = a.session("clerk")
    [queued] = ok(clerk_a.get(f"{a.api}/exchange/outbox", params={"state": "pending"}, timeout=HTTP_TIMEOUT))
    assert queued["kind"] == "edoc" and queued["to_code"] == B["code"] and queued["last_error"], queued

    b.start()
    ok(clerk_a.post(f"{a.api}/exchange/outbox/{queued['id']}/retry", timeout=HTTP_TIMEOUT))  # Gửi lại ngay
    sent = a.send_outbox(due_now=False)
    assert [r["state"] for r in sent["rows"] if r["kind"] == "edoc"] == ["sent"], sent
    assert recipient_of(a, document_id)["delivery"] == "delivered"
    [arrived] = incoming_documents(b)
    assert arrived["subject"] == SUBJECT and arrived["sender_code"] == A["code"], arrived

    # The answer was lost (A crashed after B committed): A sends the same message again under the same key; B
    # answers with its first answer and registers nothing twice.
    again = a.send_outbox(resend_sent=True)
    assert [r["state"] for r in again["rows"] if r["kind"] == "edoc"] == ["sent"], again
    assert [d["id"] for d in incoming_documents(b)] == [arrived["id"]]
    return document_id, arrived["id"]


def statuses_through_a_restart(a: Deployment, b: Deployment, document_id: int, incoming_id: int) -> None:
    """B's people take the document through its procedure over B's REST API; each status goes back to A, A being
    down (and restarted) while B's leader directs."""
    b.send_outbox()
    assert history(a, document_id) == ["01"]
    step(b, "clerk", "incoming", incoming_id, "check_document", {}, "tiep_nhan")
    step(b, "clerk", "incoming", incoming_id, "register_document")
    b.send_outbox()
    assert history(a, document_id) == ["01", "03"]

    a.stop()
    direction = {"y_kien_chi_dao": "Phòng Công chức, viên chức chủ trì.", "lead_unit_id": b.ids["unit_id"]}
    step(b, "leader", "incoming", incoming_id, "direct_handling", direction)
    failed = b.send_outbox()
    assert [r["state"] for r in failed["rows"] if "|status04|" in r["key"]] == ["pending"], failed
    a.start()
    b.send_outbox()
    assert history(a, document_id) == ["01", "03", "04"]

    step(b, "unit_leader", "incoming", incoming_id, "assign_specialist", {"lead_user_id": b.ids["users"]["specialist"]})
    done = {"ket_qua": "Đã phối hợp cung cấp dữ liệu."}
    step(b, "specialist", "incoming", incoming_id, "handle_document", done, "hoan_thanh")
    b.send_outbox()
    assert history(a, document_id) == ["01", "03", "04", "05", "06"]
    # B's answers were lost too: B sends every status again; A records none twice.
    again = b.send_outbox(resend_sent=True)
    assert {r["state"] for r in again["rows"]} == {"sent"} and len(again["rows"]) == 5, again
    assert history(a, document_id) == ["01", "03", "04", "05", "06"]


def file_package_imports(a: Deployment, b: Deployment, document_id: int, incoming_id: int) -> int:
    """The package A's clerk downloads (for an axis A cannot reach) imports on B through the clerk's file import: a
    second arrival of the same document by another channel, kept and shown as a possible duplicate of the one the
    connector delivered (NĐ 30 Phụ lục VI III.1.h); importing the file again creates nothing more (200 duplicate)."""
    recipient_id = recipient_of(a, document_id)["id"]
    download = a.web_session("clerk").get(
        f"{a.base}/outgoing/{document_id}/recipients/{recipient_id}/package", timeout=HTTP_TIMEOUT
    )
    assert download.status_code == 200 and download.content.startswith(b"<?xml"), download.text[:500]
    clerk_b = b.session("clerk")
    files = {"package": ("goi-tin.edxml", download.content, "application/xml")}
    imported = ok(clerk_b.post(f"{b.api}/incoming/edxml", files=files, timeout=HTTP_TIMEOUT), 201)
    assert imported["id"] != incoming_id and imported["subject"] == SUBJECT
    assert incoming_id in [d["id"] for d in imported["possible_duplicates"]], imported["possible_duplicates"]
    again = ok(clerk_b.post(f"{b.api}/incoming/edxml", files=files, timeout=HTTP_TIMEOUT), 200)
    assert again["id"] == imported["id"] and again["duplicate"] is True and imported["duplicate"] is False
    assert sorted(d["id"] for d in incoming_documents(b)) == sorted([incoming_id, imported["id"]])
    # The copy arrived electronically too, and its sender is reachable: B says so (01), and A's history shows it.
    b.send_outbox()
    assert history(a, document_id) == ["01", "03", "04", "05", "06", "01"]
    return imported["id"]


def recall_answered(a: Deployment, b: Deployment, document_id: int, incoming_id: int, copy_id: int) -> None:
    """A recalls: the recall package reaches B, which asks its clerk on the document; the clerk agrees (15), and
    the answer comes back to A."""
    recall = {"reason": "Văn bản có sai sót về số liệu, sẽ ban hành văn bản thay thế."}
    ok(a.session("clerk").post(f"{a.api}/outgoing/{document_id}/recall", json=recall, timeout=HTTP_TIMEOUT))
    recalled = a.send_outbox()
    rows = [r for r in recalled["rows"] if "|edoc1|" in r["key"]]  # the recall package (BussinessDocType 1)
    assert [r["state"] for r in rows] == ["sent"], rows
    clerk_b = b.session("clerk")
    asked = ok(clerk_b.get(f"{b.api}/incoming/{incoming_id}", timeout=HTTP_TIMEOUT))
    assert asked["recall_pending"] is True, {k: asked.get(k) for k in ("status", "recall_pending", "recall_note")}
    # The copy imported from the file is the same document from the same sender: it is asked to be recalled too.
    copy = ok(clerk_b.get(f"{b.api}/incoming/{copy_id}", timeout=HTTP_TIMEOUT))
    assert copy["recall_pending"] is True, {k: copy.get(k) for k in ("status", "recall_pending")}
    ok(clerk_b.post(f"{b.api}/incoming/{incoming_id}/recall/accept", timeout=HTTP_TIMEOUT))
    b.send_outbox()
    assert history(a, document_id) == ["01", "03", "04", "05", "06", "01", "13", "15"]
    assert recipient_of(a, document_id)["status_code"] == "15"


def test_two_deployments_exchange_a_document_and_its_statuses_through_restarts(deployments):
    a, b, started = deployments
    phases = {"set-up and pairing": time.monotonic() - started}

    def timed(name: str, phase, *args):
        begun = time.monotonic()
        result = phase(*args)
        phases[name] = time.monotonic() - begun
        return result

    document_id, incoming_id = timed("issue, B down, retry", deliver_while_b_is_down, a, b)
    timed("statuses 01-06, A restarted", statuses_through_a_restart, a, b, document_id, incoming_id)
    copy_id = timed("package file", file_package_imports, a, b, document_id, incoming_id)
    timed("recall", recall_answered, a, b, document_id, incoming_id, copy_id)
    spent = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in phases.items())
    print(f"two deployments: {spent}")  # shown with -s, and on failure
    assert time.monotonic() - started < BUDGET_SECONDS, f"the exchange took longer than its budget: {spent}"

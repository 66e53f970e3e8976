"""SpiffArena's backend (spiffworkflow-backend) over HTTP: create -> run -> complete one user task, one client.

The same case shape as qlvb's `bench.http --scenario one_step`, through the calls SpiffArena's own frontend makes:

  1. create    POST /v1.0/process-instances/bench:one-step                 (frontend: processInstanceCreateAndRun)
  2. run       POST /v1.0/process-instance-run/bench:one-step/{id}         (frontend: processModelRun)
  3. find      GET  /v1.0/tasks?process_instance_id={id}                   (the user's task list, filtered)
  4. open      GET  /v1.0/tasks/{id}/{task_guid}?with_form_data=true       (frontend: TaskShow)
  5. complete  PUT  /v1.0/tasks/{id}/{task_guid}  body {"ket_qua": "..."}  (frontend: handleFormSubmit)

A case counts only when all five calls answered 2xx (and the task was found). One keep-alive client session
(bench/leanhttp.py unless `--client requests`, as qlvb's bench.http),
one bearer token obtained once from the backend's built-in OpenID provider (password grant at /openid/token, then
POST /v1.0/login_with_access_token, as a client program that already holds a token does), kept for the whole run.

Server CPU per case: utime+stime of the gunicorn master (pid file) and its children from /proc/<pid>/stat, before
and after the measured cases (bench/procstat.py, as qlvb's bench/server.py reads its own server's).

Usage (server started by ./start_server.sh, which writes $SPIFF_HOME/server.pid; see README.md):
  $SPIFF_HOME/venv/bin/python bench/spiffarena/bench_spiff.py --setup   # once per database: group, model, files
  $SPIFF_HOME/venv/bin/python bench/spiffarena/bench_spiff.py --cases 200 --warmup 10
"""

import argparse
import base64
import json
import os
import statistics
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/: procstat, standard library only
import leanhttp
from procstat import cpu_seconds, family

HERE = Path(__file__).resolve().parent  # the model's files (model/)
SPIFF_HOME = Path(os.environ.get("SPIFF_HOME", "/work/spiffarena"))  # SpiffArena's install: venv, server.pid
CLIENT_ID = "spiffworkflow-backend"
CLIENT_SECRET = "JXeQExm0JhQPLumgHtIIqf52bDalHz0q"  # the backend's documented local default
GROUP = "bench"
MODEL = "bench/one-step"
MODIFIED = MODEL.replace("/", ":")
CALLS = ("create", "run", "find", "open", "complete")
CLOCK = time.perf_counter


def login(base: str, username: str, password: str) -> str:
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    response = requests.post(
        f"{base}/openid/token",
        data={
            "grant_type": "password",
            "code": f"{username}:this_is_not_secure_do_not_use_in_production",
            "username": username,
            "password": password,
            "client_id": CLIENT_ID,
        },
        headers={"Authorization": f"Basic {basic}"},
        timeout=30,
    )
    response.raise_for_status()
    token = response.json()["access_token"]
    # creates the user from the token's claims, as the frontend's login does
    requests.post(
        f"{base}/v1.0/login_with_access_token",
        params={"authentication_identifier": "default"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).raise_for_status()
    return token


def setup(base: str, token: str) -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    r = http.get(f"{base}/v1.0/process-groups/{GROUP}", timeout=30)
    if r.status_code != 200:
        r = http.post(f"{base}/v1.0/process-groups", json={"id": GROUP, "display_name": "Bench"}, timeout=30)
        print("process group:", r.status_code, r.text[:200])
        r.raise_for_status()
    r = http.get(f"{base}/v1.0/process-models/{MODIFIED}", timeout=30)
    if r.status_code != 200:
        body = {"id": MODEL, "display_name": "One step", "description": "create -> complete one user task"}
        r = http.post(f"{base}/v1.0/process-models/{GROUP}", json=body, timeout=30)
        print("process model:", r.status_code, r.text[:200])
        r.raise_for_status()
    model_dir = HERE / "model"
    for name in ("handle-schema.json", "handle-uischema.json", "one-step.bpmn"):
        with open(model_dir / name, "rb") as f:
            r = http.post(f"{base}/v1.0/process-models/{MODIFIED}/files", files={"file": (name, f)}, timeout=30)
        if r.status_code >= 400 and "already exists" in r.text.lower():
            with open(model_dir / name, "rb") as f:
                url = f"{base}/v1.0/process-models/{MODIFIED}/files/{name}"
                r = http.put(url, files={"file": (name, f)}, timeout=30)
        print("file", name, r.status_code, r.text[:120])
        r.raise_for_status()
    model = http.get(f"{base}/v1.0/process-models/{MODIFIED}", timeout=30).json()
    if model.get("primary_file_name") != "one-step.bpmn":
        body = {"primary_file_name": "one-step.bpmn", "primary_process_id": "Process_bench_one_step"}
        r = http.put(f"{base}/v1.0/process-models/{MODIFIED}", json=body, timeout=30)
        print("primary file:", r.status_code, r.text[:200])
        r.raise_for_status()
    model = http.get(f"{base}/v1.0/process-models/{MODIFIED}", timeout=30).json()
    print("model:", json.dumps({k: model.get(k) for k in ("id", "primary_file_name", "primary_process_id")}))


def run_cases(base: str, http, n_cases: int, timings: dict, errors: list, offset: int) -> int:
    ok = 0

    def call(name, method, path, **kwargs):
        start = CLOCK()
        response = http.request(method, base + path, timeout=60, **kwargs)
        timings[name].append((CLOCK() - start) * 1000)
        if not 200 <= response.status_code < 300:
            errors.append(f"{name} {response.status_code} {response.text[:300]}")
            return None
        return response.json()

    for n in range(n_cases):
        instance = call("create", "POST", f"/v1.0/process-instances/{MODIFIED}")
        if instance is None:
            continue
        pid = instance["id"]
        if call("run", "POST", f"/v1.0/process-instance-run/{MODIFIED}/{pid}") is None:
            continue
        page = call("find", "GET", "/v1.0/tasks", params={"process_instance_id": pid})
        if page is None:
            continue
        ready = [t for t in page.get("results", []) if t.get("process_instance_id") == pid]
        if not ready:
            errors.append(f"find: no task for instance {pid}: {json.dumps(page)[:300]}")
            continue
        guid = ready[0]["task_id"]
        if call("open", "GET", f"/v1.0/tasks/{pid}/{guid}", params={"with_form_data": "true"}) is None:
            continue
        if call("complete", "PUT", f"/v1.0/tasks/{pid}/{guid}", json={"ket_qua": f"Đã xử lý {offset + n}"}) is None:
            continue
        ok += 1
    return ok


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default=f"http://localhost:{os.environ.get('SPIFF_PORT', '7000')}")
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--user", default="malala", help="a non-admin user of permissions example.yml")
    parser.add_argument("--password", default=None)
    parser.add_argument("--pidfile", default=str(SPIFF_HOME / "server.pid"), help="the gunicorn master's pid")
    parser.add_argument("--setup", action="store_true", help="create the process group and model (as admin)")
    parser.add_argument("--json", help="also write the result to this file")
    parser.add_argument("--client", choices=["lean", "requests"], default="lean", help="as qlvb's bench.http")
    args = parser.parse_args()

    if args.setup:
        setup(args.base, login(args.base, "admin", "admin"))
        return 0

    master = int(Path(args.pidfile).read_text().strip())
    token = login(args.base, args.user, args.password or args.user)
    http = leanhttp.Session() if args.client == "lean" else requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"

    timings: dict[str, list[float]] = {c: [] for c in CALLS}
    errors: list[str] = []
    run_cases(args.base, http, args.warmup, timings, errors, 0)
    if errors:
        print("warm-up errors:", errors[:3], file=sys.stderr)
    timings = {c: [] for c in CALLS}
    errors = []

    cpu0, t0, client0 = cpu_seconds(family(master)), CLOCK(), time.thread_time()
    ok = run_cases(args.base, http, args.cases, timings, errors, args.warmup)
    elapsed, cpu1, client1 = CLOCK() - t0, cpu_seconds(family(master)), time.thread_time()

    result = {
        "cases": args.cases,
        "ok": ok,
        "errors": len(errors),
        "seconds": round(elapsed, 3),
        "cases_per_s": round(ok / elapsed, 2),
        "server_cpu_ms_per_case": round((cpu1 - cpu0) * 1000 / max(ok, 1), 1),
        "server_processes": len(family(master)),
        "client": args.client,
        "client_cpu_ms_per_case": round((client1 - client0) * 1000 / max(ok, 1), 1),
    }
    for c in CALLS:
        result[f"{c}_p50"] = round(statistics.median(timings[c]), 1) if timings[c] else None
        result[f"{c}_p95"] = round(percentile(timings[c], 95), 1) if timings[c] else None
    print(
        f"spiffarena one-step: {ok}/{args.cases} cases in {elapsed:.2f} s = {result['cases_per_s']} cases/s, "
        f"errors {len(errors)}, server CPU {result['server_cpu_ms_per_case']} ms/case "
        f"({result['server_processes']} processes), client {args.client} CPU {result['client_cpu_ms_per_case']} ms/case"
    )
    print("  p50/p95 ms: " + ", ".join(f"{c} {result[c + '_p50']}/{result[c + '_p95']}" for c in CALLS))
    for e in errors[:5]:
        print("  error:", e)
    if args.json:
        Path(args.json).write_text(json.dumps(result) + "\n")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())

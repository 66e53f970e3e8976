"""The restricted script environment for BPMN scripts, conditions and timer expressions.

Scripts only move and test data (design.md §4): no imports, no files, no network, no dunder tricks. Every
script is checked before it runs (and at deploy time) by an AST filter; the builtins are a short allowlist.
Service tasks go through the operation registry, never through script code.
"""

import ast
import builtins
import functools
import json
from collections.abc import Callable
from datetime import datetime

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from app.core import clock
from app.workflow.registry import RunContext, call_operation, current_run

SAFE_BUILTINS = {
    name: getattr(builtins, name)
    for name in (
        "abs",
        "all",
        "any",
        "bool",
        "dict",
        "divmod",
        "enumerate",
        "filter",
        "float",
        "int",
        "isinstance",
        "len",
        "list",
        "map",
        "max",
        "min",
        "range",
        "reversed",
        "round",
        "set",
        "sorted",
        "str",
        "sum",
        "tuple",
        "zip",
        "ValueError",
        "KeyError",
        "Exception",
    )
}
FORBIDDEN_CALLS = {
    "eval",
    "exec",
    "compile",
    "open",
    "getattr",
    "setattr",
    "delattr",
    "globals",
    "locals",
    "vars",
    "__import__",
    "input",
    "breakpoint",
    "memoryview",
    "type",
    "object",
    "super",
}


class ScriptRejected(ValueError):
    """A script uses something the sandbox does not allow."""


@functools.lru_cache(maxsize=4096)
def check_script(source: str, mode: str = "exec") -> None:
    """Raise ScriptRejected (or SyntaxError) unless `source` stays inside the sandbox. Cached per text."""
    tree = ast.parse(source, mode=mode)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            raise ScriptRejected("không được dùng import trong kịch bản")
        if isinstance(node, ast.Global | ast.Nonlocal):
            raise ScriptRejected("không được dùng global/nonlocal")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ScriptRejected(f"không được truy cập thuộc tính ẩn “{node.attr}”")
        if isinstance(node, ast.Name) and (node.id.startswith("__") or node.id in FORBIDDEN_CALLS):
            raise ScriptRejected(f"không được dùng “{node.id}”")
    compile(tree, "<bpmn-script>", mode)


def _run() -> RunContext:
    ctx = current_run.get()
    if ctx is None:
        raise RuntimeError("no workflow run in progress")
    return ctx


def working_due(spec: str) -> str:
    """Timer helper for designers: the instant `spec` of working time from now in the case's agency calendar.

    Use it in a timeDate timer: `working_due("PT2H")` — the engine stores the computed instant, so the timer
    survives restarts and calendar edits do not move a deadline already set. A rule name the agency sets
    (`working_due("intake")`, app.sla.rules) is its value in the agency's deadline settings.
    """
    from app.sla.calendar import due
    from app.sla.settings import resolve_rule

    agency_id = _run().agency_id
    return due(clock.now(), resolve_rule(spec, agency_id), agency_id).isoformat()


def now_iso() -> str:
    return clock.now().isoformat()


SCRIPT_FUNCTIONS: dict[str, Callable] = {"working_due": working_due, "now_iso": now_iso}


class RestrictedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment with the allowlisted builtins, checked scripts and registry-backed service calls."""

    def __init__(self) -> None:
        super().__init__({"__builtins__": SAFE_BUILTINS, **SCRIPT_FUNCTIONS})

    def evaluate(self, expression, context, external_context=None):
        check_script(expression, "eval")
        return super().evaluate(expression, context, external_context)

    def execute(self, script, context, external_context=None):
        check_script(script, "exec")
        return super().execute(script, context, external_context)

    def call_service(self, context, operation_name=None, operation_params=None, **_kwargs):
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        result = call_operation(operation_name, _run(), dict(context), params)
        return json.dumps(result if result is not None else {}, ensure_ascii=False, default=str)


class QlvbScriptEngine(PythonScriptEngine):
    def __init__(self) -> None:
        super().__init__(environment=RestrictedEnvironment())

    def call_service(self, task, **kwargs):
        # SpiffWorkflow 3.2.0's own call_service hides the real error behind a NameError (spiffworkflow.md):
        # let the operation's exception through with the task attached, so the engine can report it.
        try:
            return self.environment.call_service(task.data, **kwargs)
        except Exception as exc:
            exc.qlvb_task = task.task_spec.bpmn_id
            raise


class _ClockDatetime(datetime):
    """SpiffWorkflow's timers read `datetime.now(timezone.utc)`; route that through qlvb's settable clock."""

    @classmethod
    def now(cls, tz=None):
        current = clock.now()
        return current.astimezone(tz) if tz is not None else current.replace(tzinfo=None)


spiff_timer.datetime = _ClockDatetime

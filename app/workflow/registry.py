"""The registry of operations that BPMN service tasks may call.

Domain modules register their services here (`@operation("register_incoming")`); a BPMN service task names
one with `<spiffworkflow:serviceTaskOperator id="register_incoming">`. Deploy validation refuses unknown names,
so a designer cannot reference code that does not exist. An operation runs inside the engine's unit of work:
what it writes commits with the workflow state, or not at all.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.workflow.scripting import RunContext


@dataclass(frozen=True)
class Operation:
    name: str
    func: Callable[..., dict | None]
    description: str


_OPERATIONS: dict[str, Operation] = {}


def operation(name: str, description: str = "") -> Callable:
    """Register `func(run: RunContext, data: dict, **params) -> dict | None` under `name`.

    The returned dict is stored in the task data under the service task's result variable.
    """

    def decorator(func: Callable) -> Callable:
        _OPERATIONS[name] = Operation(name, func, description or (func.__doc__ or "").strip().split("\n")[0])
        return func

    return decorator


# Processes that run for one business object of a domain module (an incoming document, an outgoing one): they
# start only through that module's service, which creates the object first — never as a bare case.
_BOUND_PROCESSES: dict[str, str] = {}


def bound_process(process_id: str, object_type: str) -> None:
    """Declare that `process_id` starts only for objects of `object_type`, through its module's service."""
    _BOUND_PROCESSES[process_id] = object_type


def bound_object_type(process_id: str) -> str | None:
    """The object type `process_id` is bound to, None for a process any case may start."""
    _load_domain_operations()
    return _BOUND_PROCESSES.get(process_id)


def unregister(name: str) -> None:
    _OPERATIONS.pop(name, None)


def known_operations() -> dict[str, Operation]:
    _load_domain_operations()
    return dict(_OPERATIONS)


class UnknownOperation(LookupError):
    pass


def call_operation(name: str, run: RunContext, data: dict, params: dict[str, Any]) -> dict | None:
    _load_domain_operations()
    op = _OPERATIONS.get(name)
    if op is None:
        raise UnknownOperation(f"thao tác “{name}” chưa được đăng ký")
    return op.func(run, data, **params)


# Modules that register operations; imported lazily so the engine sits below the domain modules.
OPERATION_MODULES = ["app.workflow.builtin_operations", "app.incoming.operations", "app.outgoing.operations"]
_loaded = False


def _load_domain_operations() -> None:
    global _loaded
    if _loaded:
        return
    import importlib

    for module in OPERATION_MODULES:
        importlib.import_module(module)
    _loaded = True

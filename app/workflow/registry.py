"""What domain modules give the engine: service-task operations, form hooks, data sources, object summaries.

A module collects its contributions on an `EngineExtension` of its own (`engine = EngineExtension()`, then
`@engine.operation("register_incoming")`), declares it in its `MODULE` (`engine=("app.incoming.operations:engine",)`)
and the application installs it at start (`app.modules.install_engine_extensions`). Importing a module fills no
registry. A BPMN service task names an operation with `<spiffworkflow:serviceTaskOperator id="register_incoming">`;
deploy validation refuses unknown names, so a designer cannot reference code that does not exist. An operation
runs inside the engine's unit of work: what it writes commits with the workflow state, or not at all.
"""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RunContext:
    """What the engine is working on right now: scripts and operations read it instead of global state."""

    instance_id: int | None
    agency_id: int
    object_type: str
    object_id: str
    actor_id: int | None


current_run: ContextVar[RunContext | None] = ContextVar("qlvb_workflow_run", default=None)


@dataclass(frozen=True)
class Operation:
    name: str
    func: Callable[..., dict | None]
    description: str


@dataclass
class EngineExtension:
    """One module's contributions to the engine, collected by decorators and installed by the application.

    - operations: `func(run: RunContext, data: dict, **params) -> dict | None`; the returned dict is stored in the
      task data under the service task's result variable;
    - form_validators: `func(data, outcome, agency_id) -> {field: message}`, the domain rules a JSON Schema cannot
      say, named by a form's "validators";
    - form_actions: `func(actor, task, data, outcome) -> dict | None`, the domain work a submission stands for when
      it needs what is never stored (a signing PIN), run in the completion's transaction;
    - data_sources: `func(agency_id, options) -> [(value, label)]`, the choices of a form field ("source");
    - bound_processes: process id → object type, for processes that start only through their module's service;
    - object_summaries: object type → `func(task) -> html`, the object's card on a task page.
    """

    operations: dict[str, Operation] = field(default_factory=dict)
    form_validators: dict[str, Callable[[dict, str | None, int], dict[str, str]]] = field(default_factory=dict)
    form_actions: dict[str, Callable[..., dict | None]] = field(default_factory=dict)
    data_sources: dict[str, Callable[[int, dict], list[tuple[Any, str]]]] = field(default_factory=dict)
    bound_processes: dict[str, str] = field(default_factory=dict)
    object_summaries: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def operation(self, name: str, description: str = "") -> Callable:
        def decorator(func: Callable) -> Callable:
            summary = description or (func.__doc__ or "").strip().split("\n")[0]
            self.operations[name] = Operation(name, func, summary)
            return func

        return decorator

    def form_validator(self, name: str) -> Callable:
        return self._into(self.form_validators, name)

    def form_action(self, name: str) -> Callable:
        return self._into(self.form_actions, name)

    def data_source(self, name: str) -> Callable:
        return self._into(self.data_sources, name)

    def bind_process(self, process_id: str, object_type: str) -> None:
        """Declare that `process_id` starts only for objects of `object_type`, through its module's service."""
        self.bound_processes[process_id] = object_type

    @staticmethod
    def _into(table: dict, name: str) -> Callable:
        def decorator(func: Callable) -> Callable:
            table[name] = func
            return func

        return decorator

    def tables(self) -> dict[str, dict]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# What the application installed: the union of every module's extension.
INSTALLED = EngineExtension()


def install(extension: EngineExtension) -> None:
    """Add a module's contributions; a name given twice to different code is a programming error."""
    for table_name, table in extension.tables().items():
        installed = getattr(INSTALLED, table_name)
        for name, value in table.items():
            if name in installed and installed[name] != value:
                raise ValueError(f"{table_name}: “{name}” is declared twice")
        installed.update(table)


def uninstall(extension: EngineExtension) -> None:
    """Take a module's contributions out again (tests that install an extension of their own)."""
    for table_name, table in extension.tables().items():
        installed = getattr(INSTALLED, table_name)
        for name, value in table.items():
            if installed.get(name) == value:
                del installed[name]


def known_operations() -> dict[str, Operation]:
    return dict(INSTALLED.operations)


def bound_object_type(process_id: str) -> str | None:
    """The object type `process_id` is bound to, None for a process any case may start."""
    return INSTALLED.bound_processes.get(process_id)


class UnknownOperation(LookupError):
    pass


def call_operation(name: str, run: RunContext, data: dict, params: dict[str, Any]) -> dict | None:
    op = INSTALLED.operations.get(name)
    if op is None:
        raise UnknownOperation(f"thao tác “{name}” chưa được đăng ký")
    return op.func(run, data, **params)

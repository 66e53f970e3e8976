"""SpiffWorkflow behind a small surface: parse and cache specs, create, load, save and run workflows.

State is stored without its spec (the version row holds the BPMN, and parsed specs are cached per version),
zlib-compressed: about a sixth of the full serialization (spiffworkflow.md §4.5).
"""

import json
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState as SpiffState

from app.workflow.scripting import QlvbScriptEngine

MAX_ENGINE_PASSES = 1000


class CachedSpecWorkflowConverter(BpmnWorkflowConverter):
    """Restore a workflow onto an already parsed spec object instead of rebuilding the spec from a dict."""

    def from_dict(self, dct):
        spec = dct.pop("spec")
        subprocess_specs = dct.pop("subprocess_specs", {})
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = CachedSpecWorkflowConverter
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))
SCRIPT_ENGINE = QlvbScriptEngine()


@dataclass
class SpecBundle:
    """A parsed process: the spec objects plus what qlvb reads from the BPMN (names, lanes, properties)."""

    process_id: str
    name: str
    spec: object
    subprocess_specs: dict
    task_props: dict[str, dict] = field(default_factory=dict)  # bpmn id → spiffworkflow:properties
    start_lane: str | None = None


def parse_bpmn(xml: str | bytes, filename: str = "process.bpmn") -> list[SpecBundle]:
    """Parse every executable process in a BPMN document."""
    parser = SpiffBpmnParser()
    root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    parser.add_bpmn_xml(root, filename=filename)
    bundles = []
    for process_id in parser.get_process_ids():
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
        for each in (spec, *subprocess_specs.values()):
            _connect_loop_children(each)
        bundle = SpecBundle(process_id, spec.description or process_id, spec, subprocess_specs)
        for task_spec in spec.task_specs.values():
            ext = getattr(task_spec, "extensions", None) or {}
            key, props = task_spec.bpmn_id or task_spec.name, dict(ext.get("properties", {}))
            # A multi-instance task is a wrapper plus its child spec under one bpmn id: keep the child's properties.
            if props or key not in bundle.task_props:
                bundle.task_props[key] = props
            if type(task_spec).__name__ == "StartEvent" and bundle.start_lane is None:
                bundle.start_lane = task_spec.lane
        bundles.append(bundle)
    return bundles


def _connect_loop_children(spec) -> None:
    """Wire each multi-instance / loop task to its child spec's completion, as SpiffWorkflow's spec deserializer does.

    SpiffWorkflow connects the child's `completed_event` to the loop task's `merge_child` only when it creates a
    child, or when it restores a serialized spec. We parse specs from BPMN and store state without them, so a process
    that loaded the state later (another gunicorn worker, a restart) completed the child and never told the parent:
    "Góp ý phối hợp" and "Xác nhận đã đọc" stayed started and the document never reached "Hoàn thành".
    """
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, LoopTask):
            child = spec.task_specs.get(task_spec.task_spec)
            if child is not None and not child.completed_event.is_connected(task_spec.merge_child):
                child.completed_event.connect(task_spec.merge_child)


_cache: dict[tuple[int, str], SpecBundle] = {}
_cache_lock = threading.Lock()


def bundle_for(version) -> SpecBundle:
    """The parsed spec of a process version, parsed once per process and version (versions are immutable)."""
    key = (version.id, version.checksum)
    bundle = _cache.get(key)
    if bundle is None:
        with _cache_lock:
            bundle = _cache.get(key)
            if bundle is None:
                bundles = {b.process_id: b for b in parse_bpmn(version.bpmn_xml, f"{version.process_id}.bpmn")}
                bundle = bundles[version.process_id]
                _cache[key] = bundle
    return bundle


def new_workflow(bundle: SpecBundle, data: dict) -> BpmnWorkflow:
    workflow = BpmnWorkflow(bundle.spec, bundle.subprocess_specs, script_engine=SCRIPT_ENGINE)
    # Initial data goes on the start task: workflow.data is not visible to tasks (spiffworkflow.md §4.2).
    workflow.get_next_task(state=SpiffState.READY).set_data(**data)
    return workflow


def dump_state(workflow: BpmnWorkflow) -> tuple[bytes, int]:
    """Serialize without the spec; return (compressed bytes, uncompressed size)."""
    dct = SERIALIZER.to_dict(workflow)
    dct.pop("spec", None)
    dct.pop("subprocess_specs", None)
    dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
    raw = json.dumps(dct, separators=(",", ":"), ensure_ascii=False, default=str).encode()
    return zlib.compress(raw, 6), len(raw)


def load_state(bundle: SpecBundle, blob: bytes) -> BpmnWorkflow:
    dct = json.loads(zlib.decompress(blob))
    version = dct.pop(SERIALIZER.VERSION_KEY, None)
    if version != SERIALIZER.VERSION:
        raise RuntimeError(f"workflow state written by serializer {version}, this is {SERIALIZER.VERSION}")
    dct["spec"] = bundle.spec
    dct["subprocess_specs"] = bundle.subprocess_specs
    workflow = SERIALIZER.from_dict(dct)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow


def all_tasks(workflow: BpmnWorkflow) -> Iterator:
    yield from workflow.tasks.values()
    for sub in workflow.subprocesses.values():
        yield from sub.tasks.values()


def ready_user_tasks(workflow: BpmnWorkflow) -> list:
    return [t for t in all_tasks(workflow) if t.state == SpiffState.READY and t.task_spec.manual]


def find_task(workflow: BpmnWorkflow, task_id: str):
    return workflow.get_task_from_id(UUID(task_id))


def run_engine(workflow: BpmnWorkflow) -> None:
    """Run every ready automatic task until only user tasks, timers or the end remain.

    Our own loop over the flat task map, not do_engine_steps(): that one finds ready tasks by walking the tree
    to depth 1000 only, so long review ↔ rework loops stall (spiffworkflow.md §4.4).
    """
    for _ in range(MAX_ENGINE_PASSES):
        workflow.refresh_timers()
        ready = [t for t in all_tasks(workflow) if t.state == SpiffState.READY and not t.task_spec.manual]
        if not ready:
            return
        for task in ready:
            if task.state == SpiffState.READY:
                task.run()
    raise RuntimeError("workflow did not settle: a loop without a user task or timer?")


def next_timer_at(workflow: BpmnWorkflow) -> datetime | None:
    """The earliest instant at which a waiting timer of this workflow is due."""
    instants = []
    for event in workflow.waiting_events():
        value = event.value
        if isinstance(value, str):
            try:
                instants.append(datetime.fromisoformat(value))
            except ValueError:
                continue
        elif isinstance(value, dict) and value.get("next"):  # cycle timers
            instants.append(datetime.fromisoformat(value["next"]))
    return min(instants) if instants else None


def evaluate(workflow_task, expression: str):
    """Evaluate a designer's expression (an `assignee`, `unit` or `due` property) against the task's data."""
    return SCRIPT_ENGINE.environment.evaluate(expression, dict(workflow_task.data))

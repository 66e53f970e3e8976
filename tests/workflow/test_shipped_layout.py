"""The shipped processes' diagrams stay readable: every user sees them (case page, document pages, designer, heatmap).

Only the diagram interchange (bpmndi) is checked: no two flow-node shapes overlap, no sequence flow runs through a
node that is neither its source nor its target, and each flow starts and ends on the border of its own shapes.
Boxes are the DI bounds (a gateway's diamond and an event's circle are judged by their bounding box).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import pytest
from lxml import etree

from app.workflow.definitions import PROCESSES_DIR

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
# Elements that are not flow nodes: containers may hold shapes, and flows/labels are not boxes.
NOT_FLOW_NODES = {"participant", "lane", "laneSet", "process", "collaboration", "sequenceFlow", "textAnnotation"}
BORDER_TOLERANCE = 3  # px a waypoint may sit off its shape's border (hand-written coordinates round)

SHIPPED = sorted(PROCESSES_DIR.glob("*.bpmn"))


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    def overlaps(self, other: Box) -> bool:
        # Touching edges are not an overlap.
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )

    def on_border(self, x: float, y: float, tolerance: float = BORDER_TOLERANCE) -> bool:
        inside_outer = (
            self.x - tolerance <= x <= self.x + self.width + tolerance
            and self.y - tolerance <= y <= self.y + self.height + tolerance
        )
        inside_inner = (
            self.x + tolerance < x < self.x + self.width - tolerance
            and self.y + tolerance < y < self.y + self.height - tolerance
        )
        return inside_outer and not inside_inner

    def crossed_by(self, a: tuple[float, float], b: tuple[float, float], inset: float = 1) -> bool:
        """Whether the segment a–b passes through the box's interior (Liang–Barsky clipping).

        The box is shrunk by `inset` so a flow running along a border (or touching it) is not a crossing.
        """
        (x0, y0), (x1, y1) = a, b
        dx, dy = x1 - x0, y1 - y0
        t0, t1 = 0.0, 1.0
        left, right = self.x + inset, self.x + self.width - inset
        top, bottom = self.y + inset, self.y + self.height - inset
        for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
            if p == 0:
                if q < 0:
                    return False
                continue
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
            if t0 > t1:
                return False
        return t1 - t0 > 1e-9


def _local(tag: str) -> str:
    return etree.QName(tag).localname


def attached(path) -> set[tuple[str, str]]:
    """(boundary event, its activity) pairs: the event sits on the activity's border by design."""
    tree = etree.parse(str(path))
    return {(e.get("id"), e.get("attachedToRef")) for e in tree.iterfind(".//bpmn:boundaryEvent", NS)}


def layout(path):
    """(flow-node boxes by id, flows as (id, source, target, waypoints)) of one BPMN file."""
    tree = etree.parse(str(path))
    kinds = {el.get("id"): _local(el.tag) for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    boxes = {}
    for shape in tree.iterfind(".//bpmndi:BPMNShape", NS):
        element = shape.get("bpmnElement")
        if kinds.get(element) in NOT_FLOW_NODES:
            continue
        b = shape.find("dc:Bounds", NS)
        boxes[element] = Box(*(float(b.get(k)) for k in ("x", "y", "width", "height")))
    edges = {e.get("bpmnElement"): e for e in tree.iterfind(".//bpmndi:BPMNEdge", NS)}
    flows = []
    for flow in tree.iterfind(".//bpmn:sequenceFlow", NS):
        edge = edges.get(flow.get("id"))
        waypoints = [] if edge is None else edge.iterfind("di:waypoint", NS)
        points = [(float(w.get("x")), float(w.get("y"))) for w in waypoints]
        flows.append((flow.get("id"), flow.get("sourceRef"), flow.get("targetRef"), points))
    return boxes, flows


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_flow_node_and_flow_is_drawn(path):
    boxes, flows = layout(path)
    tree = etree.parse(str(path))
    nodes = {
        el.get("id")
        for process in tree.iterfind(".//bpmn:process", NS)
        for el in process
        if isinstance(el.tag, str) and _local(el.tag) not in NOT_FLOW_NODES | {"extensionElements", "documentation"}
    }
    assert nodes - set(boxes) == set()
    assert [fid for fid, _s, _t, points in flows if len(points) < 2] == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_no_two_flow_node_shapes_overlap(path):
    boxes, _flows = layout(path)
    on_border = attached(path)
    ids = sorted(boxes)
    overlapping = [
        (a, b)
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
        if boxes[a].overlaps(boxes[b]) and (a, b) not in on_border and (b, a) not in on_border
    ]
    assert overlapping == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_flows_start_and_end_on_their_own_shapes(path):
    boxes, flows = layout(path)
    off = []
    for fid, source, target, points in flows:
        if not boxes[source].on_border(*points[0]):
            off.append((fid, "start", points[0]))
        if not boxes[target].on_border(*points[-1]):
            off.append((fid, "end", points[-1]))
    assert off == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_no_flow_runs_through_a_node(path):
    """Not through another node, nor back across its own source or target (it leaves and enters at the border)."""
    boxes, flows = layout(path)
    hosts = dict(attached(path))
    crossings = []
    for fid, source, target, points in flows:
        segments = list(pairwise(points))
        for node, box in boxes.items():
            if node == hosts.get(source):
                continue  # a flow leaving a boundary event starts on its activity's edge
            inset = BORDER_TOLERANCE + 1 if node in (source, target) else 1
            if any(box.crossed_by(a, b, inset) for a, b in segments):
                crossings.append((fid, node))
    assert crossings == []


def test_checks_catch_the_defects_they_guard_against():
    """The helpers themselves: an overlap, a crossing, a loose end."""
    task = Box(100, 100, 110, 80)
    assert task.overlaps(Box(150, 120, 110, 80))
    assert not task.overlaps(Box(210, 100, 36, 36))  # touching only
    assert task.crossed_by((50, 140), (300, 140))
    assert not task.crossed_by((50, 90), (300, 90))
    assert not task.crossed_by((50, 100), (300, 100))  # along the border
    assert task.on_border(210, 140) and task.on_border(101, 180)
    assert not task.on_border(150, 140) and not task.on_border(260, 140)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_placed_labels_stay_clear_of_nodes_and_flows(path):
    """A label given its own bounds (moved off a flow's way) covers neither a node nor a flow."""
    boxes, flows = layout(path)
    tree = etree.parse(str(path))
    covered = []
    for shape in tree.iterfind(".//bpmndi:BPMNShape", NS):
        bounds = shape.find("bpmndi:BPMNLabel/dc:Bounds", NS)
        if bounds is None:
            continue
        label = Box(*(float(bounds.get(k)) for k in ("x", "y", "width", "height")))
        covered += [(shape.get("bpmnElement"), node) for node, box in boxes.items() if label.overlaps(box)]
        covered += [
            (shape.get("bpmnElement"), fid)
            for fid, _s, _t, points in flows
            if any(label.crossed_by(a, b, 0) for a, b in pairwise(points))
        ]
    assert covered == []

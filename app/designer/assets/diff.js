// The designer's versions pages: one version's diagram (read-only) and the visual diff of two versions.
// The diagrams are drawn by the prebuilt bpmn-js viewer loaded before this bundle (a global `BpmnJS`; the bpmn.io
// watermark stays visible); the structure and layout differences come from bpmn-js-differ over both files read
// with bpmn-moddle; the changes of our spiffworkflow properties, which the differ does not read, come from the
// server (app.designer.versions.property_diff) as a list of element ids in #property-changes.
import { BpmnModdle } from "bpmn-moddle";
import { diff } from "bpmn-js-differ";
import "./_diff.css";
import { typeLabel } from "./_translate.js";

const KIND = { added: "Thêm", removed: "Bỏ", changed: "Sửa", layout: "Đổi vị trí" };

async function fetchXml(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

async function draw(container, xml) {
  const viewer = new window.BpmnJS({ container });
  await viewer.importXML(xml);
  viewer.get("canvas").zoom("fit-viewport", "auto");
  return viewer;
}

function mark(viewer, ids, marker) {
  const registry = viewer.get("elementRegistry");
  const canvas = viewer.get("canvas");
  for (const id of ids) if (registry.get(id)) canvas.addMarker(id, marker);
}

function describe(value) {
  if (value === undefined || value === null || value === "") return "—";
  if (typeof value === "object") return value.name || value.id || value.$type || JSON.stringify(value);
  return String(value);
}

function row(element, kind, detail) {
  const tr = document.createElement("tr");
  tr.dataset.elementId = element.id;
  const cells = [`${element.name || element.id} (${typeLabel(element.$type).toLowerCase()})`, KIND[kind], detail];
  for (const text of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}

// Moving or zooming one diagram moves the other, so the same place is seen on both sides.
function linkViewboxes(first, second) {
  let syncing = false;
  for (const [from, to] of [[first, second], [second, first]]) {
    from.on("canvas.viewbox.changed", ({ viewbox }) => {
      if (syncing) return;
      syncing = true;
      to.get("canvas").viewbox({ x: viewbox.x, y: viewbox.y, width: viewbox.width, height: viewbox.height });
      syncing = false;
    });
  }
}

async function compare(root) {
  const sides = ["a", "b"].map((side) => root.querySelector(`[data-side="${side}"]`));
  const [xmlA, xmlB] = await Promise.all(sides.map((el) => fetchXml(el.dataset.bpmnUrl)));
  const [viewerA, viewerB] = [await draw(sides[0], xmlA), await draw(sides[1], xmlB)];
  const moddle = new BpmnModdle();
  const [{ rootElement: before }, { rootElement: after }] = [await moddle.fromXML(xmlA), await moddle.fromXML(xmlB)];
  const changes = diff(before, after);

  mark(viewerA, Object.keys(changes._removed), "diff-removed");
  mark(viewerB, Object.keys(changes._added), "diff-added");
  for (const viewer of [viewerA, viewerB]) {
    mark(viewer, Object.keys(changes._layoutChanged), "diff-layout");
    mark(viewer, Object.keys(changes._changed), "diff-changed");
  }
  const propertyIds = JSON.parse(document.getElementById("property-changes")?.textContent || "[]");
  for (const viewer of [viewerA, viewerB]) mark(viewer, propertyIds, "diff-changed");
  linkViewboxes(viewerA, viewerB);

  const rows = [];
  for (const element of Object.values(changes._added)) rows.push(row(element, "added", ""));
  for (const element of Object.values(changes._removed)) rows.push(row(element, "removed", ""));
  for (const { model, attrs } of Object.values(changes._changed)) {
    const detail = Object.entries(attrs)
      .map(([name, { oldValue, newValue }]) => `${name}: ${describe(oldValue)} → ${describe(newValue)}`)
      .join("; ");
    // An empty list: what changed is inside the extension elements (our properties, listed in the table above).
    rows.push(row(model, "changed", detail || "Thuộc tính mở rộng (xem bảng thay đổi thuộc tính)"));
  }
  for (const element of Object.values(changes._layoutChanged)) rows.push(row(element, "layout", ""));
  const body = document.querySelector("#structure-diff tbody");
  if (body) {
    body.replaceChildren(...rows);
    if (!rows.length) body.innerHTML = '<tr><td colspan="3" class="text-muted">Sơ đồ không thay đổi.</td></tr>';
  }
  root.dataset.diffReady = "true";
}

async function start() {
  try {
    const view = document.querySelector("[data-bpmn-view]");
    if (view) {
      await draw(view, await fetchXml(view.dataset.bpmnUrl));
      view.dataset.diffReady = "true";
    }
    const root = document.querySelector("[data-bpmn-compare]");
    if (root) await compare(root);
  } catch (error) {
    console.error(error);
    document.querySelector("[data-bpmn-error]")?.classList.remove("d-none");
    const body = document.querySelector("#structure-diff tbody");
    if (body) {
      const cell = Object.assign(document.createElement("td"), { colSpan: 3, className: "text-danger" });
      cell.textContent = `Không so sánh được sơ đồ: ${error.message}`;
      body.replaceChildren(Object.assign(document.createElement("tr"), {}));
      body.firstChild.append(cell);
    }
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

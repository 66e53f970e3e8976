// The bottleneck heatmap page (app/designer/templates/designer/heatmap.html): draws the agency's current diagram
// with the prebuilt bpmn-js viewer (the global `BpmnJS`; the bpmn.io watermark stays visible), colours each user task
// by the figure the server computed, pins a badge with its numbers, and on a click (on the diagram or in the table)
// loads the task's slowest cases and prepares the SLA what-if. Figures and texts all come from the server.

function escapeHtml(text) {
  const div = document.createElement("div");
  div.textContent = text;
  return div.innerHTML;
}

function colourTask(registry, id, colour) {
  const element = registry.get(id);
  if (!element) return false;
  const shape = registry.getGraphics(element).querySelector(".djs-visual > rect");
  if (shape) {
    shape.style.fill = colour || "#ffffff";
    shape.style.fillOpacity = "1";
  }
  return true;
}

async function loadFragment(url, target) {
  target.innerHTML = '<div class="text-muted small">Đang tải…</div>';
  const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
  target.innerHTML = await response.text();
}

async function main() {
  const holder = document.getElementById("heatmap-data");
  if (!holder || typeof window.BpmnJS === "undefined") return;
  const data = JSON.parse(holder.textContent);
  const byName = Object.fromEntries(data.tasks.map((task) => [task.task_name, task]));
  const detail = document.getElementById("heatmap-detail");
  const query = new URLSearchParams(data.period);

  function select(name) {
    const task = byName[name];
    if (!task) return;
    document.querySelectorAll("tr[data-task]").forEach((row) => {
      row.classList.toggle("table-active", row.dataset.task === name);
    });
    detail.classList.remove("d-none");
    document.getElementById("heatmap-detail-title").textContent = task.title;
    document.getElementById("whatif-task").value = name;
    document.getElementById("heatmap-whatif").innerHTML = "";
    const url = data.slowestUrl.replace("__TASK__", encodeURIComponent(name)) + "?" + query;
    loadFragment(url, document.getElementById("heatmap-slowest"));
    detail.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }

  document.querySelectorAll(".heatmap-select").forEach((button) => {
    button.addEventListener("click", () => select(button.dataset.task));
  });
  document.getElementById("heatmap-whatif-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams(new FormData(event.target));
    loadFragment(data.whatifUrl + "?" + params, document.getElementById("heatmap-whatif"));
  });

  const viewer = new window.BpmnJS({ container: "#heatmap-canvas" });
  try {
    await viewer.importXML(data.xml);
  } catch (error) {
    document.getElementById("heatmap-canvas").textContent = "Không hiển thị được sơ đồ quy trình.";
    return;
  }
  viewer.get("canvas").zoom("fit-viewport", "auto");
  const registry = viewer.get("elementRegistry");
  const overlays = viewer.get("overlays");
  let coloured = 0;
  for (const task of data.tasks) {
    if (!task.in_diagram || !colourTask(registry, task.task_name, task.colour)) continue;
    const element = registry.get(task.task_name);
    registry.getGraphics(element).setAttribute("data-heat", task.colour || "none");
    if (task.colour) coloured += 1;
    overlays.add(task.task_name, "heatmap", {
      position: { top: element.height + 2, left: -10 },
      html:
        '<div class="heatmap-badge" style="background:rgba(255,255,255,.92);border:1px solid ' +
        (task.colour || "#bbb") +
        ';border-left-width:4px;border-radius:4px;padding:1px 4px;font-size:10px;line-height:1.25;' +
        'white-space:nowrap;pointer-events:none">' +
        task.lines.map(escapeHtml).join("<br>") +
        "</div>",
    });
  }
  // What the browser tests wait for: how many tasks got a colour.
  document.getElementById("heatmap-canvas").dataset.coloured = String(coloured);
  viewer.get("eventBus").on("element.click", (event) => {
    if (byName[event.element.id]) select(event.element.id);
  });
}

main();

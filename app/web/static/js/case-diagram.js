// The case diagram (app/workflow/templates/workflow/_case_diagram.html): draws the case's own process version with
// the prebuilt bpmn-js viewer (global BpmnJS; the bpmn.io watermark stays visible, as its licence requires), colours
// the path taken and the current steps, and writes each step's latest actor and time on it.
(function () {
  "use strict";

  function text(tag, value, className) {
    const node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }

  function actorLine(actor) {
    const parts = [actor.name];
    if (actor.at_label) parts.push(actor.at_label);
    let line = parts.join(" · ");
    if (actor.state === "open") line += " (đang xử lý)";
    if (actor.outcome) line += " — " + actor.outcome;
    return line;
  }

  function overlayFor(element) {
    const latest = element.actors[element.actors.length - 1];
    if (!latest) return null;
    const box = text("div", actorLine({ name: latest.name, at_label: latest.at_label }), "qlvb-case-actor");
    box.classList.add("qlvb-case-actor-" + element.state);
    if (element.count > 1) box.appendChild(text("span", " ×" + element.count, "qlvb-case-count"));
    box.title = element.actors.map(actorLine).join("\n");
    return box;
  }

  function showDetail(panel, name, element) {
    panel.replaceChildren();
    panel.appendChild(text("strong", name));
    if (!element) {
      panel.appendChild(text("span", " — chưa đi qua bước này."));
      return;
    }
    const states = {
      current: "đang xử lý",
      waiting: "đang chờ",
      error: "lỗi",
      completed: "đã xử lý",
      skipped: "không có người nhận, đã bỏ qua",
    };
    let summary = " — " + (states[element.state] || element.state);
    if (element.count > 1) summary += ", " + element.count + " lần";
    panel.appendChild(text("span", summary));
    if (element.actors.length) {
      const list = document.createElement("ol");
      list.className = "mb-0";
      element.actors.forEach((actor) => list.appendChild(text("li", actorLine(actor))));
      panel.appendChild(list);
    }
  }

  // Fit the whole process when it stays readable; otherwise keep a readable zoom and centre on the current step
  // (the viewer pans by dragging and zooms with Ctrl + wheel).
  const MIN_ZOOM = 0.7;

  /** The step somebody acted on last (ISO times compare as text). */
  function latestId(elements, registry) {
    let found = null;
    let when = "";
    Object.entries(elements).forEach(([id, element]) => {
      const last = element.actors[element.actors.length - 1];
      if (last && last.at && last.at > when && registry.get(id)) {
        found = id;
        when = last.at;
      }
    });
    return found;
  }

  function frame(container, canvas, registry, elements) {
    const inner = canvas.viewbox().inner;
    const width = container.clientWidth || 600;
    const fit = Math.min(1, (width - 40) / Math.max(inner.width, 1));
    const zoom = Math.max(fit, MIN_ZOOM);
    container.style.height = Math.round(Math.min(560, Math.max(200, inner.height * zoom + 40))) + "px";
    canvas.resized();
    canvas.zoom("fit-viewport", "auto");
    if (canvas.zoom() >= MIN_ZOOM) return;
    canvas.zoom(MIN_ZOOM);
    const box = canvas.viewbox();
    const currentId = Object.keys(elements).find((id) => elements[id].state === "current" && registry.get(id));
    const focus = registry.get(currentId || latestId(elements, registry)) || null;
    // Horizontally: the current step (else the latest one done: a finished case shows its end, not its start) in the
    // middle, without scrolling past either end of the process.
    let x = focus ? focus.x + focus.width / 2 - box.width / 2 : inner.x - 20;
    x = Math.max(inner.x - 20, Math.min(x, inner.x + inner.width + 20 - box.width));
    canvas.viewbox({ x: x, y: inner.y - 20, width: box.width, height: box.height });
  }

  async function draw(card) {
    const status = card.querySelector("[data-status]");
    const panel = card.querySelector("[data-detail]");
    const response = await fetch(card.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const data = await response.json();
    const viewer = new window.BpmnJS({ container: card.querySelector("[data-canvas]") });
    await viewer.importXML(data.bpmn_xml);
    const canvas = viewer.get("canvas");
    const overlays = viewer.get("overlays");
    const registry = viewer.get("elementRegistry");
    frame(card.querySelector("[data-canvas]"), canvas, registry, data.elements);
    Object.entries(data.elements).forEach(([id, element]) => {
      const shape = registry.get(id);
      if (!shape) return;
      canvas.addMarker(id, "qlvb-" + element.state);
      const box = overlayFor(element);
      // Never smaller than readable when the diagram is zoomed out to fit a narrow column.
      const position = { top: shape.height + 2, left: -10 };
      if (box) overlays.add(id, "qlvb-case", { position: position, html: box, scale: { min: 0.9 } });
    });
    data.flows.forEach((id) => registry.get(id) && canvas.addMarker(id, "qlvb-flow-taken"));
    viewer.on("element.click", (event) => {
      const bo = event.element.businessObject;
      if (!bo || bo.$type === "bpmn:Process" || bo.$type === "bpmn:SequenceFlow") return;
      showDetail(panel, bo.name || bo.id, data.elements[bo.id]);
    });
    const current = Object.values(data.elements).filter((e) => e.state === "current").length;
    status.textContent = current ? "Bước đang xử lý được tô màu cam; các bước đã qua màu xanh." : "Các bước đã qua được tô màu xanh.";
    card.dataset.drawn = "1";
  }

  function start(card) {
    if (card.dataset.started) return;
    card.dataset.started = "1";
    draw(card).catch(() => {
      card.querySelector("[data-status]").textContent = "Không vẽ được sơ đồ của phiên bản quy trình này.";
    });
  }

  document.querySelectorAll("[data-case-diagram]").forEach((card) => {
    // bpmn-js measures its container: draw only once the card is open.
    if (card.hasAttribute("data-open")) start(card);
    card.addEventListener("shown.bs.collapse", () => start(card));
  });
})();

// The process designer's modeler (/designer/<process_id>/edit): bpmn-js with the properties panel and our
// "Thuộc tính QLVB" group, bpmnlint while drawing, and the page's toolbar — check, deploy, download, open file.
// Problems the server finds (the same checks as `qlvb processes validate`) are pinned on their elements.
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import lintModule from "bpmn-js-bpmnlint";
import lintConfig from "./_lint_config.js";
import spiffworkflow from "./_spiffworkflow.json";
import QlvbPropertiesProvider from "./_qlvb_provider.js";
import translateModule from "./_translate.js";

const qlvbPropertiesModule = { __init__: ["qlvbPropertiesProvider"], qlvbPropertiesProvider: ["type", QlvbPropertiesProvider] };

/** SpiffWorkflow names variables in loopDataInputRef (`informed`), not BPMN ids: keep them on export. */
function keepLoopVariables(modeler) {
  modeler.on("import.parse.complete", ({ references = [], elementsById = {} }) => {
    const moddle = modeler.get("moddle");
    for (const ref of references) {
      if (!elementsById[ref.id] && /loopData(In|Out)putRef$/.test(ref.property)) {
        ref.element.set(ref.property, moddle.create("bpmn:DataInput", { id: ref.id }));
      }
    }
  });
}

function create({ canvas, panel, config }) {
  const modeler = new BpmnModeler({
    container: canvas,
    propertiesPanel: { parent: panel, layout: { groups: { general: { open: true }, qlvb: { open: true } } } },
    linting: { bpmnlint: lintConfig, active: true },
    moddleExtensions: { spiffworkflow },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, qlvbPropertiesModule, lintModule, translateModule],
    qlvb: config,
  });
  keepLoopVariables(modeler);
  translatePanelTitles(panel, modeler.get("translate"));
  return modeler;
}

/** The properties panel gives its section toggles and pop-up buttons an English title from the library's own
 * fallback (it hands them no `translate`): each is said in Vietnamese as soon as it appears. */
function translatePanelTitles(panel, translate) {
  const say = () => {
    for (const element of panel.querySelectorAll("[title]")) {
      const said = translate(element.title);
      if (said !== element.title) element.title = said;
    }
  };
  new MutationObserver(say).observe(panel, { subtree: true, childList: true, attributes: true, attributeFilter: ["title"] });
  say();
}

/** Fit the diagram, leaving room on the left for the palette that floats over the canvas. */
function fit(modeler) {
  const canvas = modeler.get("canvas");
  canvas.zoom("fit-viewport");
  const { inner, scale } = canvas.viewbox();
  const left = 130 / scale;
  const margin = 20 / scale;
  canvas.viewbox({ x: inner.x - left, y: inner.y - margin, width: inner.width + left + margin, height: inner.height + 2 * margin });
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** Pins: a red marker and a badge on each element with a problem, and the clickable list atop the side column
 * (collapsible, scrolling on its own: the canvas never moves). */
class Pins {
  constructor(modeler, list) {
    this.modeler = modeler;
    this.list = list;
    this.marked = [];
  }

  clear() {
    const canvas = this.modeler.get("canvas");
    this.modeler.get("overlays").remove({ type: "qlvb-problem" });
    this.marked.forEach((id) => canvas.removeMarker(id, "qlvb-error"));
    this.marked = [];
    this.list.innerHTML = "";
    this.list.hidden = true;
  }

  show(problems) {
    this.clear();
    const registry = this.modeler.get("elementRegistry");
    const overlays = this.modeler.get("overlays");
    const canvas = this.modeler.get("canvas");
    const counts = {};
    problems.forEach((p) => { counts[p.element_id] = (counts[p.element_id] || 0) + 1; });
    for (const [id, count] of Object.entries(counts)) {
      if (!registry.get(id)) continue;
      canvas.addMarker(id, "qlvb-error");
      this.marked.push(id);
      const messages = problems.filter((p) => p.element_id === id).map((p) => p.message).join("\n");
      overlays.add(id, "qlvb-problem", {
        position: { top: -10, right: 10 },
        html: `<span class="qlvb-problem-badge" data-element="${escapeHtml(id)}" title="${escapeHtml(messages)}">${count}</span>`,
      });
    }
    const items = problems.map((p) => {
      const known = Boolean(registry.get(p.element_id));
      const name = known ? registry.get(p.element_id).businessObject.name || p.element_id : p.element_id;
      return `<li><button type="button" class="btn btn-link p-0 text-danger text-start qlvb-problem-link" data-element="${escapeHtml(p.element_id)}" ${known ? "" : "disabled"}>
        <strong>${escapeHtml(name)}</strong></button>: ${escapeHtml(p.message)}</li>`;
    });
    this.list.innerHTML = `<details open><summary>Chưa triển khai được — ${problems.length} lỗi</summary><ul class="mb-0 mt-1 ps-3">${items.join("")}</ul></details>`;
    this.list.hidden = false;
    this.list.querySelectorAll(".qlvb-problem-link").forEach((button) => button.addEventListener("click", () => this.select(button.dataset.element)));
  }

  select(id) {
    const element = this.modeler.get("elementRegistry").get(id);
    if (!element) return;
    this.modeler.get("selection").select(element);
    this.modeler.get("canvas").scrollToElement(element);
  }
}

const OFFLINE = "Không kết nối được máy chủ, vui lòng thử lại.";

/** POST JSON; { status, data } — status 0 with a message when no answer came (server down, network lost):
 * fetch rejects then, and the page must say so rather than wait forever. */
async function postJson(url, body, csrf) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
  } catch {
    return { status: 0, data: { message: OFFLINE } };
  }
  const data = await response.json().catch(() => ({ message: `Lỗi máy chủ (${response.status}).` }));
  return { status: response.status, data };
}

/** The status floats in the canvas's top-right corner (it never moves the canvas); the × hides it. */
function setStatus(node, kind, text) {
  node.className = `alert alert-${kind}`;
  node.textContent = text;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn-close";
  close.setAttribute("aria-label", "Ẩn thông báo");
  close.addEventListener("click", () => { node.hidden = true; });
  node.append(close);
  node.hidden = !text;
}

/** Fit the modeler's box to what is left of the window below its top, so the whole canvas is always on screen. */
function fitHeight(box, modeler) {
  const top = box.getBoundingClientRect().top + window.scrollY;
  box.style.height = `${Math.max(320, window.innerHeight - top - 12)}px`;
  modeler.get("canvas").resized();
}

/** Wire the page: `root` holds the canvas, the panel, the toolbar buttons (data-action) and the status lines. */
async function mount(root, config) {
  const $ = (selector) => root.querySelector(selector);
  const modeler = create({ canvas: $("[data-canvas]"), panel: $("[data-panel]"), config });
  const pins = new Pins(modeler, $("[data-problems]"));
  const status = $("[data-status]");
  window.qlvbModeler = modeler; // for the browser tests and the console
  const box = $("[data-fit]");
  fitHeight(box, modeler);
  window.addEventListener("resize", () => fitHeight(box, modeler));
  await modeler.importXML(config.xml);
  fit(modeler);

  const xml = async () => (await modeler.saveXML({ format: true })).xml;

  // One request at a time: check and deploy are disabled while one runs, and enabled again however it ends.
  const buttons = [$("[data-action=check]"), $("[data-deploy-form] [type=submit]")];
  const busy = (work) => async (event) => {
    event.preventDefault();
    buttons.forEach((button) => { button.disabled = true; });
    try {
      await work();
    } catch (error) {
      setStatus(status, "danger", `Có lỗi: ${error.message}`);
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  };

  $("[data-action=check]").addEventListener("click", busy(async () => {
    setStatus(status, "secondary", "Đang kiểm tra…");
    const { status: code, data } = await postJson(config.urls.check, { bpmn: await xml() }, config.csrf);
    if (code !== 200) return setStatus(status, "danger", data.message || "Không kiểm tra được.");
    if (data.valid) { pins.clear(); setStatus(status, "success", "Quy trình hợp lệ, có thể triển khai."); }
    else { pins.show(data.problems); setStatus(status, "danger", `Có ${data.problems.length} lỗi, xem trên sơ đồ và danh sách bên phải.`); }
  }));

  // confirm.js asks the form's data-confirm question first, and stops the submit here when it is declined.
  $("[data-deploy-form]").addEventListener("submit", busy(async () => {
    const comment = $("[name=comment]").value.trim();
    setStatus(status, "secondary", "Đang triển khai…");
    const body = { bpmn: await xml(), comment, based_on_id: config.versionId };
    const { status: code, data } = await postJson(config.urls.deploy, body, config.csrf);
    if (code === 201 || code === 200) {
      pins.clear();
      config.versionId = data.id;
      const text = data.created
        ? `Đã triển khai ${data.display_name}. Hồ sơ mới sẽ theo phiên bản này; hồ sơ đang xử lý giữ phiên bản cũ.`
        : `Sơ đồ không thay đổi so với ${data.display_name}; không tạo phiên bản mới.`;
      setStatus(status, "success", text);
      $("[data-version-label]").textContent = `đang sửa ${data.display_name}`;
    } else if (code === 422 && data.details?.problems) {
      pins.show(data.details.problems);
      setStatus(status, "danger", `${data.message} Có ${data.details.problems.length} lỗi, xem trên sơ đồ và danh sách bên phải.`);
    } else {
      setStatus(status, "danger", data.message || "Không triển khai được.");
    }
  }));

  $("[data-action=download]").addEventListener("click", async () => {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([await xml()], { type: "application/xml" }));
    link.download = `${config.processId}.bpmn`;
    link.click();
    URL.revokeObjectURL(link.href);
  });

  const fileInput = $("[data-file]");
  $("[data-action=open]").addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files[0];
    if (!file) return;
    try {
      await modeler.importXML(await file.text());
      fit(modeler);
      pins.clear();
      setStatus(status, "info", `Đã mở tệp ${file.name}. Kiểm tra rồi triển khai để tạo phiên bản mới.`);
    } catch (error) {
      setStatus(status, "danger", `Không mở được tệp ${file.name}: ${error.message}`);
    }
    fileInput.value = "";
  });
  return modeler;
}

window.QlvbModeler = { create, mount };

// The page's settings are JSON in <script type="application/json" id="qlvb-modeler-config">, read here: the
// Content-Security-Policy runs no inline script (app/web/security.py).
const pageConfig = document.getElementById("qlvb-modeler-config");
const pageRoot = document.getElementById("qlvb-modeler");
if (pageConfig && pageRoot) mount(pageRoot, JSON.parse(pageConfig.textContent));

// The form editor's field list: a structured view of the JSON in #definition (add/remove a field, its label,
// widget, required flag, choices or data source). Every change rewrites the JSON and fires "input" on the
// textarea, so the htmx live preview (and the server's checks) follow; the JSON stays the one source of truth.
const WIDGET_LABELS = {
  text: "Dòng chữ", textarea: "Đoạn văn", date: "Ngày", datetime: "Ngày giờ", number: "Số", select: "Danh sách chọn",
  radio: "Chọn một", checkbox: "Ô đánh dấu", checkboxes: "Chọn nhiều", file: "Tệp đính kèm", password: "Mật khẩu",
  dates: "Hạn theo lựa chọn",
};

// the widgets whose choices come from a data source or the schema's enum
const CHOICE_WIDGETS = ["select", "radio", "checkboxes"];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value !== undefined) node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children);
  return node;
}

function fieldOrder(form) {
  const props = Object.keys(form.schema.properties || {});
  const order = (form.order || []).filter((name) => props.includes(name));
  return order.concat(props.filter((name) => !order.includes(name)));
}

function setup(container, textarea) {
  const widgets = JSON.parse(container.dataset.widgets);
  const sources = JSON.parse(container.dataset.sources);
  let writing = false;

  function parse() {
    try {
      const form = JSON.parse(textarea.value);
      if (form && typeof form === "object" && form.schema && typeof form.schema.properties === "object") return form;
    } catch (_err) { /* the preview names the syntax error */ }
    return null;
  }

  function write(form) {
    writing = true;
    textarea.value = JSON.stringify(form, null, 2);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    writing = false;
  }

  function change(mutate) {
    const form = parse();
    if (!form) return;
    form.ui = form.ui || {};
    mutate(form);
    write(form);
    render();
  }

  function setWidget(form, name, widget) {
    const prop = form.schema.properties[name];
    const hints = (form.ui[name] = form.ui[name] || {});
    hints.widget = widget;
    const valueType = hints.source ? "integer" : "string";
    if (widget === "checkbox") { prop.type = "boolean"; delete prop.items; }
    else if (widget === "checkboxes") {
      const values = prop.enum; delete prop.enum;
      prop.type = "array"; prop.items = { type: valueType, ...(values ? { enum: values } : {}) };
    } else if (widget === "number") { prop.type = "number"; delete prop.items; }
    else if (prop.type === "array" || prop.type === "boolean" || prop.type === "number") {
      const values = prop.items && prop.items.enum; delete prop.items;
      prop.type = valueType; if (values) prop.enum = values;
    }
  }

  function setChoices(form, name, text) {
    const prop = form.schema.properties[name];
    const target = prop.type === "array" ? (prop.items = prop.items || { type: "string" }) : prop;
    const values = text.split(",").map((v) => v.trim()).filter(Boolean);
    if (values.length) target.enum = values; else delete target.enum;
  }

  function setSource(form, name, source) {
    const hints = (form.ui[name] = form.ui[name] || {});
    const prop = form.schema.properties[name];
    if (source) { hints.source = source; delete prop.enum; if (prop.items) delete prop.items.enum; }
    else delete hints.source;
    const valueType = source ? "integer" : "string";
    if (prop.type === "array") prop.items = { ...(prop.items || {}), type: valueType };
    else if (prop.type === "string" || prop.type === "integer") prop.type = valueType;
  }

  function row(form, name) {
    const prop = form.schema.properties[name] || {};
    const hints = (form.ui || {})[name] || {};
    const required = (form.schema.required || []).includes(name);
    const choices = (prop.type === "array" ? (prop.items || {}).enum : prop.enum) || [];
    const widget = hints.widget || "text";
    const id = (part) => `fe-${part}-${name}`;
    return el("tr", { "data-field": name },
      el("td", {}, el("code", {}, name)),
      el("td", {}, el("input", {
        class: "form-control form-control-sm", id: id("label"), "aria-label": `Nhãn của ${name}`, value: hints.label || "",
        onchange: (e) => change((f) => { (f.ui[name] = f.ui[name] || {}).label = e.target.value; }),
      })),
      el("td", {}, el("select", {
        class: "form-select form-select-sm", "aria-label": `Kiểu nhập của ${name}`,
        onchange: (e) => change((f) => setWidget(f, name, e.target.value)),
      }, ...widgets.map((w) => el("option", { value: w, selected: w === widget }, WIDGET_LABELS[w] || w)))),
      el("td", { class: "text-center" }, el("input", {
        class: "form-check-input", type: "checkbox", checked: required, "aria-label": `${name} bắt buộc`,
        onchange: (e) => change((f) => {
          const names = (f.schema.required || []).filter((n) => n !== name);
          if (e.target.checked) names.push(name);
          if (names.length) f.schema.required = names; else delete f.schema.required;
        }),
      })),
      !CHOICE_WIDGETS.includes(widget) ? el("td", { class: "text-muted small" }, "—") : el("td", {},
        el("select", {
          class: "form-select form-select-sm mb-1", "aria-label": `Nguồn dữ liệu của ${name}`,
          onchange: (e) => change((f) => setSource(f, name, e.target.value)),
        }, el("option", { value: "" }, "— Giá trị liệt kê —"),
        ...sources.map((s) => el("option", { value: s, selected: s === hints.source }, s))),
        hints.source ? "" : el("input", {
          class: "form-control form-control-sm", placeholder: "giá trị 1, giá trị 2", value: choices.join(", "),
          "aria-label": `Các lựa chọn của ${name}`,
          onchange: (e) => change((f) => setChoices(f, name, e.target.value)),
        })),
      el("td", {}, el("button", {
        class: "btn btn-sm btn-outline-danger", type: "button", title: `Xóa trường ${name}`, "aria-label": `Xóa trường ${name}`,
        onclick: () => change((f) => {
          delete f.schema.properties[name];
          delete f.ui[name];
          if (f.schema.required) f.schema.required = f.schema.required.filter((n) => n !== name);
          if (f.order) f.order = f.order.filter((n) => n !== name);
        }),
      }, "×")),
    );
  }

  function render() {
    const form = parse();
    container.replaceChildren();
    if (!form) {
      container.append(el("p", { class: "text-muted small" }, "JSON chưa hợp lệ: sửa JSON bên dưới để dùng danh sách trường."));
      return;
    }
    const newName = el("input", {
      class: "form-control form-control-sm", id: "fe-new-name", placeholder: "ma_truong_moi",
      "aria-label": "Mã trường mới", pattern: "[A-Za-z_][A-Za-z0-9_]*",
    });
    const add = () => {
      const name = newName.value.trim();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name in form.schema.properties) {
        newName.classList.add("is-invalid");
        return;
      }
      change((f) => {
        f.schema.properties[name] = { type: "string" };
        f.ui[name] = { label: name, widget: "text" };
        if (f.order) f.order.push(name);
      });
    };
    container.append(
      el("div", { class: "table-responsive" }, el("table", { class: "table table-sm align-middle mb-2", "data-testid": "field-list" },
        el("thead", {}, el("tr", {}, ...["Mã trường", "Nhãn", "Kiểu nhập", "Bắt buộc", "Lựa chọn", ""].map((h) => el("th", {}, h)))),
        el("tbody", {}, ...fieldOrder(form).map((name) => row(form, name))))),
      el("div", { class: "d-flex gap-2" }, newName,
        el("button", { class: "btn btn-sm btn-outline-primary text-nowrap", type: "button", onclick: add }, "Thêm trường")),
    );
  }

  textarea.addEventListener("input", () => { if (!writing && !container.contains(document.activeElement)) render(); });
  render();
}

document.addEventListener("DOMContentLoaded", () => {
  const container = document.getElementById("field-editor");
  const textarea = document.getElementById("definition");
  if (container && textarea) setup(container, textarea);
});

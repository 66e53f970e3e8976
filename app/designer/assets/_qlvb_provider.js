// The "Thuộc tính QLVB" group of the properties panel: qlvb's extension properties, stored as standard
// spiffworkflow extension elements (what app/workflow/validation.py reads):
//   lane name = role key; user task <spiffworkflow:properties> form, sla, urgent_sla, escalate_to, assignee, unit;
//   service task <spiffworkflow:serviceTaskOperator id=…><spiffworkflow:parameters>… .
import { h } from "@bpmn-io/properties-panel/preact";
import { useCallback, useEffect, useState } from "@bpmn-io/properties-panel/preact/hooks";
import {
  SelectEntry,
  TextAreaEntry,
  TextFieldEntry,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { is } from "bpmn-js/lib/util/ModelUtil";

const NONE = "";

function extensionOf(bo, type) {
  return (bo.extensionElements?.get("values") || []).find((value) => is(value, type));
}

export function getProperty(element, name) {
  const props = extensionOf(element.businessObject, "spiffworkflow:Properties");
  const prop = (props?.get("properties") || []).find((p) => p.name === name);
  return prop ? prop.value || "" : "";
}

/** Ensure bo.extensionElements holds an element of `type` (created through modeling, so undo works). */
function ensureExtension(element, type, attrs, modeling, bpmnFactory) {
  const bo = element.businessObject;
  let extensions = bo.extensionElements;
  if (!extensions) {
    extensions = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
    extensions.$parent = bo;
    modeling.updateModdleProperties(element, bo, { extensionElements: extensions });
  }
  let found = extensionOf(bo, type);
  if (!found) {
    found = bpmnFactory.create(type, attrs);
    found.$parent = extensions;
    modeling.updateModdleProperties(element, extensions, { values: [...extensions.get("values"), found] });
  }
  return found;
}

export function setProperty(element, name, value, modeling, bpmnFactory) {
  value = (value || "").trim();
  const props = ensureExtension(element, "spiffworkflow:Properties", { properties: [] }, modeling, bpmnFactory);
  const list = props.get("properties");
  const prop = list.find((p) => p.name === name);
  if (!value) {
    if (prop) modeling.updateModdleProperties(element, props, { properties: list.filter((p) => p !== prop) });
  } else if (prop) {
    modeling.updateModdleProperties(element, prop, { value });
  } else {
    const created = bpmnFactory.create("spiffworkflow:Property", { name, value });
    created.$parent = props;
    modeling.updateModdleProperties(element, props, { properties: [...list, created] });
  }
}

function usePanelServices() {
  return {
    modeling: useService("modeling"),
    bpmnFactory: useService("bpmnFactory"),
    debounce: useService("debounceInput"),
    config: useService("config.qlvb"),
  };
}

function withCurrent(options, value, missingLabel) {
  if (value && !options.some((o) => o.value === value)) return [...options, { value, label: `${value} (${missingLabel})` }];
  return options;
}

function PropertyText(props) {
  const { element, id, name, label, description, placeholder } = props;
  const { modeling, bpmnFactory, debounce } = usePanelServices();
  return h(TextFieldEntry, {
    element, id, label, description, placeholder, debounce,
    getValue: () => getProperty(element, name),
    setValue: (value) => setProperty(element, name, value, modeling, bpmnFactory),
  });
}

/** sla / urgent_sla with the live preview of the deadline, computed by the server on the agency's calendar.
 * A value the server refuses shows as the entry's error (red, like the panel's own checks), not as the preview. */
function SlaText(props) {
  const { element, id, name, label, urgent } = props;
  const { modeling, bpmnFactory, debounce, config } = usePanelServices();
  const value = getProperty(element, name);
  // The server's verdict on `value`: a problem, or the preview of the deadline.
  const [verdict, setVerdict] = useState({ value: null, problem: null, preview: "" });
  useEffect(() => {
    if (!value) return setVerdict({ value, problem: null, preview: name === "sla" ? "Để trống: bước không có thời hạn." : "" });
    let live = true;
    setVerdict({ value, problem: null, preview: "Đang tính hạn…" });
    const url = `${config.urls.slaPreview}?spec=${encodeURIComponent(value)}&urgent=${urgent ? 1 : 0}`;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => r.json())
      .then((result) => live && setVerdict({
        value,
        problem: result.problem || null,
        preview: !result.problem && result.due_label ? `Nếu nhận lúc này, hạn là ${result.due_label}` : "",
      }))
      .catch(() => live && setVerdict({ value, problem: null, preview: "" }));
    return () => { live = false; };
  }, [value]);
  // TextFieldEntry re-validates when `validate` changes: a new verdict turns the error on or off.
  const validate = useCallback(
    (typed) => ((typed || "").trim() === verdict.value && verdict.problem ? `Không hợp lệ: ${verdict.problem}` : null),
    [verdict],
  );
  return h("div", { class: "qlvb-sla", "data-sla": name }, h(TextFieldEntry, {
    element, id, label, debounce, validate,
    description: h("span", { class: "qlvb-sla-preview", "data-preview": name }, verdict.preview),
    getValue: () => value,
    setValue: (v) => setProperty(element, name, v, modeling, bpmnFactory),
  }));
}

function PropertySelect(props) {
  const { element, id, name, label, choices } = props;
  const { modeling, bpmnFactory, config } = usePanelServices();
  return h(SelectEntry, {
    element, id, label,
    getValue: () => getProperty(element, name),
    setValue: (value) => setProperty(element, name, value, modeling, bpmnFactory),
    getOptions: () => [{ value: NONE, label: "— chưa chọn —" }, ...withCurrent(choices(config, element), getProperty(element, name), "không có trong danh mục")],
  });
}

function formChoices(config) {
  const prefix = `${config.processId}/`;
  return config.options.forms.map((f) => ({
    value: f.value.startsWith(prefix) ? f.value.slice(prefix.length) : f.value,
    label: `${f.label} (${f.value}${f.scope === "agency" ? ", riêng của cơ quan" : ""})`,
  }));
}

const roleChoices = (config) => config.options.roles.map((r) => ({ value: r.value, label: `${r.label} (${r.value})` }));

function LaneRole(props) {
  const { element, id } = props;
  const { modeling, config } = usePanelServices();
  return h(SelectEntry, {
    element, id, label: "Vai trò của làn",
    description: "Người giữ vai trò này trong cơ quan nhận các công việc nằm trong làn.",
    getValue: () => element.businessObject.name || NONE,
    setValue: (value) => modeling.updateProperties(element, { name: value || undefined }),
    getOptions: () => [{ value: NONE, label: "— chưa chọn —" }, ...withCurrent(roleChoices(config), element.businessObject.name, "không phải vai trò")],
  });
}

function operatorOf(element) {
  return extensionOf(element.businessObject, "spiffworkflow:ServiceTaskOperator");
}

function Operation(props) {
  const { element, id } = props;
  const { modeling, bpmnFactory, config } = usePanelServices();
  const current = operatorOf(element)?.id || NONE;
  return h(SelectEntry, {
    element, id, label: "Thao tác",
    getValue: () => current,
    setValue: (value) => {
      const operator = ensureExtension(element, "spiffworkflow:ServiceTaskOperator", { id: value, resultVariable: `${element.id}_result` }, modeling, bpmnFactory);
      modeling.updateModdleProperties(element, operator, { id: value || undefined });
    },
    getOptions: () => [{ value: NONE, label: "— chưa chọn —" }, ...withCurrent(config.options.operations.map((o) => ({ value: o.value, label: `${o.label} (${o.value})` })), current, "không có trong danh mục")],
  });
}

function parametersText(element) {
  const list = operatorOf(element)?.parameterList?.get("parameters") || [];
  return list.map((p) => `${p.id} = ${p.value || ""}`).join("\n");
}

function Parameters(props) {
  const { element, id } = props;
  const { modeling, bpmnFactory, debounce } = usePanelServices();
  return h(TextAreaEntry, {
    element, id, debounce, monospace: true, rows: 3,
    label: "Tham số (mỗi dòng: tên = biểu thức)",
    getValue: () => parametersText(element),
    setValue: (text) => {
      const operator = ensureExtension(element, "spiffworkflow:ServiceTaskOperator", { resultVariable: `${element.id}_result` }, modeling, bpmnFactory);
      const old = operator.parameterList?.get("parameters") || [];
      const params = (text || "").split("\n").map((line) => line.split(/=(.*)/s)).filter(([name]) => name && name.trim())
        .map(([name, value]) => {
          const type = old.find((p) => p.id === name.trim())?.type || "any";
          return bpmnFactory.create("spiffworkflow:Parameter", { id: name.trim(), type, value: (value || "").trim() });
        });
      const holder = bpmnFactory.create("spiffworkflow:Parameters", { parameters: params });
      params.forEach((p) => { p.$parent = holder; });
      holder.$parent = operator;
      modeling.updateModdleProperties(element, operator, { parameterList: params.length ? holder : undefined });
    },
  });
}

function ResultVariable(props) {
  const { element, id } = props;
  const { modeling, bpmnFactory, debounce } = usePanelServices();
  return h(TextFieldEntry, {
    element, id, debounce, label: "Biến nhận kết quả",
    getValue: () => operatorOf(element)?.resultVariable || "",
    setValue: (value) => {
      const operator = ensureExtension(element, "spiffworkflow:ServiceTaskOperator", {}, modeling, bpmnFactory);
      modeling.updateModdleProperties(element, operator, { resultVariable: (value || "").trim() || undefined });
    },
  });
}

function entriesFor(element) {
  const text = isTextFieldEntryEdited;
  if (is(element, "bpmn:Lane")) return [{ id: "qlvb-lane-role", component: LaneRole, isEdited: isSelectEntryEdited }];
  if (is(element, "bpmn:UserTask") || is(element, "bpmn:ManualTask")) {
    return [
      { id: "qlvb-form", component: PropertySelect, name: "form", label: "Biểu mẫu", choices: formChoices, isEdited: isSelectEntryEdited },
      { id: "qlvb-sla", component: SlaText, name: "sla", label: "Thời hạn (sla)", isEdited: text },
      { id: "qlvb-urgent-sla", component: SlaText, name: "urgent_sla", label: "Thời hạn khi khẩn (urgent_sla)", urgent: true, isEdited: text },
      { id: "qlvb-escalate-to", component: PropertySelect, name: "escalate_to", label: "Báo quá hạn cho vai trò", choices: roleChoices, isEdited: isSelectEntryEdited },
      { id: "qlvb-assignee", component: PropertyText, name: "assignee", label: "Người xử lý (biểu thức từ dữ liệu)", placeholder: 'vd. informed_person["user_id"]', isEdited: text },
      { id: "qlvb-unit", component: PropertyText, name: "unit", label: "Đơn vị xử lý (biểu thức từ dữ liệu)", placeholder: "vd. lead_unit_id", isEdited: text },
    ];
  }
  if (is(element, "bpmn:ServiceTask")) {
    return [
      { id: "qlvb-operation", component: Operation, isEdited: isSelectEntryEdited },
      { id: "qlvb-parameters", component: Parameters, isEdited: isTextAreaEntryEdited },
      { id: "qlvb-result", component: ResultVariable, isEdited: text },
    ];
  }
  return [];
}

export default class QlvbPropertiesProvider {
  static $inject = ["propertiesPanel"];

  constructor(propertiesPanel) {
    propertiesPanel.registerProvider(400, this);
  }

  getGroups(element) {
    return (groups) => {
      const entries = entriesFor(element).map((entry) => ({ ...entry, element }));
      if (entries.length) groups.splice(1, 0, { id: "qlvb", label: "Thuộc tính QLVB", entries });
      return groups;
    };
  }
}

// Vietnamese for the palette, the context pad, the properties panel's basics and the lint messages (bpmn-js
// `translate` service).

// BPMN element types by their moddle name (bpmn:UserTask → UserTask): the properties panel's header asks
// `translate` for "User Task" (the name split into words), the versions diff shows them beside changed elements.
const TYPES = {
  Task: "Công việc",
  UserTask: "Công việc của người xử lý",
  ServiceTask: "Tác vụ tự động",
  ScriptTask: "Tác vụ kịch bản",
  ManualTask: "Công việc thủ công",
  SendTask: "Tác vụ gửi",
  ReceiveTask: "Tác vụ nhận",
  BusinessRuleTask: "Tác vụ quy tắc",
  CallActivity: "Gọi quy trình",
  SubProcess: "Quy trình con",
  StartEvent: "Sự kiện bắt đầu",
  EndEvent: "Sự kiện kết thúc",
  IntermediateCatchEvent: "Sự kiện trung gian (chờ)",
  IntermediateThrowEvent: "Sự kiện trung gian",
  BoundaryEvent: "Sự kiện biên",
  TimerBoundaryEvent: "Sự kiện hẹn giờ (biên)",
  TimerIntermediateCatchEvent: "Sự kiện hẹn giờ",
  TimerStartEvent: "Sự kiện bắt đầu hẹn giờ",
  ExclusiveGateway: "Cổng rẽ nhánh (chọn một)",
  ParallelGateway: "Cổng song song",
  InclusiveGateway: "Cổng rẽ nhánh (chọn nhiều)",
  EventBasedGateway: "Cổng theo sự kiện",
  SequenceFlow: "Luồng",
  MessageFlow: "Luồng thông điệp",
  Lane: "Làn",
  Participant: "Bên tham gia",
  Collaboration: "Cộng tác",
  Process: "Quy trình",
  TextAnnotation: "Ghi chú",
  Association: "Liên kết",
  Group: "Nhóm",
  DataObjectReference: "Đối tượng dữ liệu",
  DataStoreReference: "Kho dữ liệu",
};

/** The Vietnamese name of a BPMN type ("bpmn:UserTask" or "UserTask"); the type itself when it has none. */
export function typeLabel(type) {
  const name = String(type || "").replace(/^bpmn:/, "");
  return TYPES[name] || name;
}

const VI = {
  ...Object.fromEntries(Object.entries(TYPES).map(([name, label]) => [name.replace(/(\B[A-Z])/g, " $1"), label])),
  // bpmn-js-bpmnlint's button under the diagram
  "No Issues": "Không có lỗi",
  "Toggle linting overlays": "Bật/tắt đánh dấu lỗi trên sơ đồ",
  // the properties panel's own buttons
  "Toggle section": "Mở/đóng mục",
  "Open pop-up editor": "Mở khung soạn rộng",
  "Close": "Đóng",
  "Learn more.": "Xem thêm.",
  "{errors} Errors, {warnings} Warnings": "{errors} lỗi, {warnings} cảnh báo",
  "Activate hand tool": "Công cụ kéo sơ đồ",
  "Activate lasso tool": "Công cụ chọn vùng",
  "Activate create/remove space tool": "Công cụ thêm/bớt khoảng trống",
  "Activate global connect tool": "Công cụ nối",
  "Create start event": "Thêm sự kiện bắt đầu",
  "Create intermediate/boundary event": "Thêm sự kiện trung gian",
  "Create end event": "Thêm sự kiện kết thúc",
  "Create gateway": "Thêm cổng rẽ nhánh",
  "Create task": "Thêm công việc",
  "Create data object reference": "Thêm đối tượng dữ liệu",
  "Create data store reference": "Thêm kho dữ liệu",
  "Create expanded sub-process": "Thêm quy trình con",
  "Create pool/participant": "Thêm bể/bên tham gia",
  "Create group": "Thêm nhóm",
  "Append end event": "Nối sự kiện kết thúc",
  "Append gateway": "Nối cổng rẽ nhánh",
  "Append task": "Nối công việc",
  "Append intermediate/boundary event": "Nối sự kiện trung gian",
  "Append text annotation": "Thêm ghi chú",
  "Add text annotation": "Thêm ghi chú",
  "Change element": "Đổi loại phần tử",
  "Change type": "Đổi loại",
  "Delete": "Xóa",
  "Remove": "Xóa",
  "Connect using sequence/message flow or association": "Nối bằng luồng",
  "Connect to other element": "Nối tới phần tử khác",
  "Connect using association": "Nối bằng liên kết",
  "Add lane above": "Thêm làn phía trên",
  "Add lane below": "Thêm làn phía dưới",
  "Divide into two lanes": "Chia thành hai làn",
  "Divide into three lanes": "Chia thành ba làn",
  "General": "Chung",
  "Name": "Tên",
  "ID": "Mã",
  "Documentation": "Mô tả",
  "Element documentation": "Mô tả phần tử",
  "Process documentation": "Mô tả quy trình",
  "Executable": "Thực thi được",
  "Version tag": "Nhãn phiên bản",
  "Select a single element to edit its properties.": "Chọn một phần tử để sửa thuộc tính.",
  "Multiple elements are selected. Select a single one to edit its properties.": "Đang chọn nhiều phần tử; chọn một để sửa thuộc tính.",
  "Element must have a unique ID.": "Mỗi phần tử cần một mã riêng.",
  "ID must not contain spaces.": "Mã không được chứa dấu cách.",
  "ID must not be empty.": "Mã không được để trống.",
};

// bpmnlint's messages, for every rule _lint_config.js turns on (the overlay on an element, its list under the
// diagram); bpmn-js-bpmnlint passes each through `translate`. The rule's code stays beside it, in brackets.
const LINT = {
  "Issues for child elements": "Lỗi của các phần tử con",
  "A <Start Event> is not allowed in <Ad Hoc Sub Process>": "Quy trình con tùy biến (ad hoc) không được có sự kiện bắt đầu",
  "An <End Event> is not allowed in <Ad Hoc Sub Process>": "Quy trình con tùy biến (ad hoc) không được có sự kiện kết thúc",
  "Sequence flow is missing condition": "Luồng rẽ nhánh chưa có điều kiện",
  "Process is missing end event": "Quy trình chưa có sự kiện kết thúc",
  "Sub process is missing end event": "Quy trình con chưa có sự kiện kết thúc",
  "An <Event-based Gateway> must have at least 2 outgoing <Sequence Flows>": "Cổng theo sự kiện cần ít nhất hai luồng đi ra",
  "A <Sequence Flow> outgoing from an <Event-based Gateway> must not be conditional": "Luồng đi ra từ cổng theo sự kiện không được có điều kiện",
  "Start event is missing event definition": "Sự kiện bắt đầu của quy trình con sự kiện cần có loại sự kiện (hẹn giờ, thông điệp…)",
  "Link event is missing link name": "Sự kiện liên kết chưa có tên liên kết",
  "Element is missing bpmndi": "Phần tử chưa có hình vẽ trên sơ đồ (BPMNDI)",
  "Element is not connected": "Phần tử chưa được nối với bước nào",
  "SequenceFlow is a duplicate": "Luồng này bị trùng",
  "Duplicate outgoing sequence flows": "Có luồng đi ra bị trùng",
  "Duplicate incoming sequence flows": "Có luồng đi vào bị trùng",
  "Element is an implicit end": "Kết thúc ngầm: không có luồng đi ra; hãy nối tới một sự kiện kết thúc",
  "Flow splits implicitly": "Rẽ nhánh ngầm: nhiều luồng đi ra mà không qua cổng rẽ nhánh",
  "Element is an implicit start": "Bắt đầu ngầm: không có luồng nào dẫn tới bước này",
  "Element type <bpmn:InclusiveGateway> is discouraged": "Không nên dùng cổng rẽ nhánh chọn nhiều",
  "Element type <bpmn:ComplexGateway> is discouraged": "Không nên dùng cổng phức hợp",
  "Process has multiple blank start events": "Quy trình có nhiều sự kiện bắt đầu thường",
  "Sub process has multiple blank start events": "Quy trình con có nhiều sự kiện bắt đầu thường",
  "Event has multiple event definitions": "Sự kiện có nhiều loại sự kiện cùng lúc",
  "Process is missing start event": "Quy trình chưa có sự kiện bắt đầu",
  "Sub process is missing start event": "Quy trình con chưa có sự kiện bắt đầu",
  "Start event must be blank": "Sự kiện bắt đầu của quy trình con phải là sự kiện thường (không có loại sự kiện)",
  "Gateway is superfluous. It only has one source and target.": "Cổng thừa: chỉ có một luồng vào và một luồng ra",
  "Termination is superfluous.": "Sự kiện kết thúc dừng toàn bộ (terminate) ở đây là thừa",
};
// The link-event rule's messages carry the link's name.
const LINT_PATTERNS = [
  [/^Link catch event with link name <(.*)> missing in scope$/, (name) => `Thiếu sự kiện liên kết nhận tên “${name}” trong cùng phạm vi`],
  [/^Link throw event with link name <(.*)> missing in scope$/, (name) => `Thiếu sự kiện liên kết phát tên “${name}” trong cùng phạm vi`],
  [/^Duplicate link catch event with link name <(.*)> in scope$/, (name) => `Trùng sự kiện liên kết nhận tên “${name}” trong cùng phạm vi`],
];

function vietnamese(template) {
  if (VI[template] || LINT[template]) return VI[template] || LINT[template];
  for (const [pattern, say] of LINT_PATTERNS) {
    const found = pattern.exec(template);
    if (found) return say(found[1]);
  }
  return template;
}

export default {
  translate: [
    "value",
    (template, replacements = {}) =>
      vietnamese(template).replace(/{([^}]+)}/g, (_, key) => replacements[key] ?? `{${key}}`),
  ],
};

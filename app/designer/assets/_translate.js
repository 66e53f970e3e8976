// Vietnamese for the palette, the context pad and the properties panel's basics (bpmn-js `translate` service).

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

export default {
  translate: [
    "value",
    (template, replacements = {}) =>
      (VI[template] || template).replace(/{([^}]+)}/g, (_, key) => replacements[key] ?? `{${key}}`),
  ],
};

"""The BPMN engine adapter: process versions, persistent instances, human tasks, forms, service operations.

Glossary: process = quy trình, process version = phiên bản quy trình, instance = hồ sơ xử lý / phiên quy trình,
human task = công việc (việc cần làm), inbox = hộp việc "Việc cần làm", claim = nhận việc, lane = làn (vai trò),
deadline = hạn xử lý, overdue = quá hạn, service task = bước tự động.

Only this package imports SpiffWorkflow. Domain modules reach it through `services` (start, complete, claim …)
and give it work through the operation registry (`registry.operation`).
"""

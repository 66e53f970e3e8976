"""The DomainError tree: refusals with a stable code for JSON and a Vietnamese message for people."""

from typing import Any


class DomainError(Exception):
    """A refusal the user can understand. Raising it rolls the unit of work back."""

    code = "domain_error"
    status = 400
    message = "Yêu cầu không hợp lệ."

    def __init__(self, message: str | None = None, *, code: str | None = None, details: Any = None) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.details = details if details is not None else {}
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class ValidationError(DomainError):
    """Input breaks a rule. `details` maps field names to messages."""

    code = "validation_error"
    status = 422
    message = "Dữ liệu không hợp lệ."


class AuthenticationError(DomainError):
    code = "authentication_required"
    status = 401
    message = "Cần đăng nhập."


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    message = "Bạn không có quyền thực hiện thao tác này."


class NotFound(DomainError):
    code = "not_found"
    status = 404
    message = "Không tìm thấy đối tượng yêu cầu."


class Conflict(DomainError):
    """The object changed under the user, or the action clashes with its state."""

    code = "conflict"
    status = 409
    message = "Thao tác xung đột với trạng thái hiện tại."


class Gone(DomainError):
    """The object existed and was destroyed on purpose (its content after a destruction decision): HTTP 410."""

    code = "gone"
    status = 410
    message = "Nội dung yêu cầu đã bị hủy."

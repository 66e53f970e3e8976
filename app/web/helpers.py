"""Helpers every module's pages share: access decorators and how service refusals reach a form."""

import functools

from flask import flash
from flask_login import current_user, login_required

from app.core.errors import DomainError, PermissionDenied
from app.org.models import Role
from app.org.permissions import managed_agency_ids


def show_errors(form, exc: DomainError) -> None:
    """Put a service's field-level refusals next to the fields; the rest goes to a flash message."""
    unplaced = []
    details = exc.details if isinstance(exc.details, dict) else {}
    for name, message in details.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), message]
        elif isinstance(message, list):
            unplaced.extend(str(m) for m in message)
        else:
            unplaced.append(str(message))
    flash(" ".join([exc.message, *unplaced]), "danger")


def admin_required(view):
    """Pages for administrators (of at least their own agency)."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not managed_agency_ids(current_user):
            raise PermissionDenied("Trang này dành cho quản trị hệ thống.")
        return view(*args, **kwargs)

    return wrapper


def role_required(*roles: Role):
    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.has_role(*roles):
                raise PermissionDenied("Trang này dành cho " + ", ".join(r.label.lower() for r in roles) + ".")
            return view(*args, **kwargs)

        return wrapper

    return decorator

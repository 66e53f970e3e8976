"""The tenancy matrix downward: the province (ubnd) attacks the Sở Tài chính below it.

The same cases (tests/security/cases.py) and the same tests as the upward matrix (test_tenancy_matrix.py, whose
docstring says what each checks), in the direction DIRECTION (tests/security/world.py), with the one documented
exception: an administrator manages their agency and the agencies below it (app.org.permissions.managed_agency_ids).
The province's clerk and leader are refused everything of the Sở, as any other agency; the province's administrator
(quan_tri+thiet_ke) is refused everything but the rules of MANAGED_BELOW, each of which asks managed_agency_ids in
its module's permission function. The exception is exact: a rule of MANAGED_BELOW that refuses the administrator
above fails too, so the list shrinks with the product and never hides a rule that needs no exception.
"""

import re

import pytest

from tests.security.cases import CASES
from tests.security.lists import text_of
from tests.security.test_tenancy_matrix import (  # noqa: F401  (collected here again, in this direction)
    A_VALUES,
    LIST_PATHS,
    get,
    refusal_problems,
    test_a_file_of_another_agency_is_refused_through_ones_own_task,
    test_own_agency_pages_show_nothing_of_another,
    test_reports_of_another_agency_do_not_count_a,
    test_saved_search_of_another_agency_is_not_exported,
    test_the_owner_finds_its_own_document,
)
from tests.security.world import DOWNWARD, MARK

pytestmark = pytest.mark.usefixtures("rollback_after")
DIRECTION = DOWNWARD
ADMIN = "quan_tri+thiet_ke"  # the only role the exception is for: app.org.models.Role.ADMIN (with the designer role)

_ORG = "app.org.permissions.managed_user / require_admin_of: the agency, its units and accounts (design.md §1)"
_WARNINGS = "app.org.access_warnings.overseen_agency_ids: access-change warnings (NĐ 30 Phụ lục VI III.3.c)"
_DELEGATIONS = "app.org.permissions.can_see_delegation: administrators of the delegator's agency"
_TOKENS = "app.org.auth.revoke_api_token (require_admin_of): revoking an API token of an account they manage"
_REGISTERS = "app.documents.permissions.can_manage: registers and document types (design.md §1)"
_CALENDAR = "app.sla.services.require_calendar_admin (require_admin_of): calendar overrides (design.md §1)"
_SIGNING = "app.signing (views, api, trust_store): signing keys and trust roots of a managed agency"
_OUTBOX = "app.exchange.permissions.outbox_agency_ids: the exchange outbox of a managed agency (retry a delivery)"
_HANDOVER = "app.workflow.handover: deactivating an account hands its open tasks to a colleague (require_admin_of)"
# app.workflow.permissions (can_view_task, can_view_case, may_reassign, may_override) and services.retry_instance:
# "administrators of the agency" see and reassign its tasks and cases and retry a case in error — asked through
# managed_agency_ids, so the province's administrator sees the Sở's tasks, and a task's page shows its document's
# subject, notation and file names (while app.incoming.permissions refuses the document itself to them).
_WORKFLOW = "app.workflow.permissions: administrators of a managed agency see, reassign and retry its work"
MANAGED_BELOW = {
    "admin.agency_detail": _ORG,
    "admin.agency_form": _ORG,
    "admin.create_unit": _ORG,
    "admin.unit_form": _ORG,
    "admin.user_detail": _ORG,
    "admin.user_form": _ORG,
    "admin.deactivate_user": _ORG,
    "admin.reactivate_user": _ORG,
    "admin.reset_password": _ORG,
    "org_api.AgencyItem": _ORG,
    "org_api.Units": _ORG,
    "org_api.UserItem": _ORG,
    "org_api.deactivate": _ORG,
    "org_api.reactivate": _ORG,
    "upload_policy_api.UploadPolicyItem": _ORG,
    "access_warnings.confirm": _WARNINGS,
    "access_warnings_api.confirm_warning": _WARNINGS,
    "org.revoke_delegation": _DELEGATIONS,
    "org_api.revoke": _DELEGATIONS,
    "org.revoke_token": _TOKENS,
    "org_api.revoke_token": _TOKENS,
    "documents.register_edit": _REGISTERS,
    "documents_api.RegisterItem": _REGISTERS,
    "documents.document_type_toggle": _REGISTERS,
    "sla.remove_override": _CALENDAR,
    "sla_api.delete_override": _CALENDAR,
    "signing.credential_image": _SIGNING,
    "signing.deactivate": _SIGNING,
    "signing.my_signature_image": _SIGNING,
    "signing_api.show": _SIGNING,
    "signing_api.image": _SIGNING,
    "signing_api.deactivate": _SIGNING,
    "trust_roots.remove": _SIGNING,
    "trust_roots.set_active": _SIGNING,
    "trust_roots_api.TrustRoot": _SIGNING,
    "trust_roots_api.disable": _SIGNING,
    "trust_roots_api.enable": _SIGNING,
    "exchange.outbox.retry": _OUTBOX,
    "exchange_outbox_api.get_message": _OUTBOX,
    "exchange_outbox_api.retry": _OUTBOX,
    "workflow_handover.deactivate": _HANDOVER,
    "workflow_handover.open_work": _HANDOVER,
    "workflow_handover_api.deactivate": _HANDOVER,
    "workflow_handover_api.open_tasks": _HANDOVER,
    "workflow.task_page": _WORKFLOW,
    "workflow.claim": _WORKFLOW,  # 403 "not a candidate" (they see the task, and may not take it)
    "workflow.unclaim": _WORKFLOW,
    "workflow.complete": _WORKFLOW,
    "workflow.reassign": _WORKFLOW,
    "workflow.case_page": _WORKFLOW,
    "workflow_admin.retry": _WORKFLOW,
    "workflow_api.get_task": _WORKFLOW,
    "workflow_api.claim": _WORKFLOW,
    "workflow_api.unclaim": _WORKFLOW,
    "workflow_api.complete": _WORKFLOW,
    "workflow_api.reassign": _WORKFLOW,
    "workflow_api.get_instance": _WORKFLOW,
    "workflow_api.retry": _WORKFLOW,
    "case_diagram.diagram_data": _WORKFLOW,
    "case_diagram_api.CaseDiagram": _WORKFLOW,
}
# Lists: the audit trail of a managed agency (app.org.audit_api, admin_views: managed_agency_ids), whose events name
# the Sở's documents; and the home page's access-change warnings (_WARNINGS), the only A values it may show.
AUDIT_LISTS = {"/admin/audit", "/api/v1/audit"}
WARNING_LISTS = {"/", "/api/v1/home"}
SERVER_ERROR = re.compile(r"^\S+ \S+: 5\d\d ")


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_another_agency_is_refused(app, resolved, attackers, endpoint, role):
    problems = refusal_problems(app, resolved[endpoint], attackers, endpoint, role)
    if role == ADMIN and endpoint in MANAGED_BELOW:
        assert problems, f"{endpoint} refuses the administrator above: it needs no exception, take it off the list"
        assert not [p for p in problems if SERVER_ERROR.match(p)], problems
        return
    assert not problems, "\n".join(problems)


def test_the_exception_names_existing_cases():
    assert set(MANAGED_BELOW) <= set(CASES), set(MANAGED_BELOW) - set(CASES)


@pytest.mark.parametrize("path", LIST_PATHS)
def test_lists_and_search_of_another_agency_show_nothing_of_a(app, resolved, attackers, path, role):
    client, headers, _csrf = attackers[role]
    response = get(app, (client, headers), path)
    assert response.status_code < 500, response.status_code
    text = text_of(response)
    if role == ADMIN and path in AUDIT_LISTS:
        assert MARK in text  # the exception is real: the Sở's events are in the province administrator's trail
        return
    if role == ADMIN and path in WARNING_LISTS:
        warning = resolved["access_warnings.confirm"].secrets[0]  # "Đổi vai trò của … (MARK)"
        text = text.replace(warning, "")
    shown = [value for value in A_VALUES if value in text]
    assert not shown, f"{path} shows {shown}"

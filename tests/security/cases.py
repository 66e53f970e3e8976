"""Which object of agency A each id-taking rule of app.url_map is aimed at, and the rules left out on purpose.

CASES maps an endpoint to a factory: world → Case (the URL's arguments naming A's objects, the values of those
objects a refusal must not show, the rows a refused mutation must leave as they were, a plausible body).
SCOPED holds rules whose argument names no object of one agency (a report kind, a deployment-wide process id):
they answer the attacker about their own agency, so they must not show A's values, whatever their status.
ALLOWED names, with the reason, the rules that are deployment-wide on purpose. A rule with an argument that is in
none of the three fails test_every_rule_with_an_argument_is_classified.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.copies.models import ElectronicCopy
from app.core.db import db
from app.documents.fulltext.models import SavedSearch
from app.documents.models import DocumentType, Register
from app.dossiers.models import (
    Dossier,
    DossierDestruction,
    DossierGrant,
    DossierHold,
    DossierItem,
    DossierTransfer,
    DossierTransferEntry,
    FilePlan,
    FilePlanEntry,
    FilePlanHeading,
)
from app.exchange.models import OutboxMessage
from app.incoming.models import IncomingDocument
from app.incoming.models_handling import IncomingExtension
from app.notifications.models import Notification
from app.org.models import Agency, ApiToken, Delegation, Unit, User
from app.outgoing.models import OutgoingAttachment, OutgoingDocument, OutgoingRecipient
from app.signing.models import SigningCredential, TrustedCertificate
from app.sla.models import CalendarOverride
from app.workflow.models import AgencyForm, HumanTask, ProcessVersion, WorkflowInstance
from tests.security.world import MARK
from tests.signing import factories

TODAY = date(2026, 12, 1).isoformat()
PDF = factories.make_pdf("Tệp tải lên thử")  # a real PDF for the upload routes (sent as a file)


@dataclass
class Case:
    args: dict
    secrets: list[str]
    watch: list = field(default_factory=list)  # (model, id): rows a refused mutation must leave unchanged
    body: dict = field(default_factory=dict)  # JSON (API) or form fields (pages) for the mutating methods


# --- the objects, one helper per kind -----------------------------------------------------------------


def incoming(w, body=None, **args):
    return Case({"document_id": w.incoming.id, **args}, w.in_secrets, [(IncomingDocument, w.incoming.id)], body or {})


def handled(w, body=None, **args):
    return Case(
        {"document_id": w.handled.id, **args},
        [*w.handled_secrets, MARK],
        [(IncomingDocument, w.handled.id), (IncomingExtension, w.extension.id)],
        body or {},
    )


def status(w):
    """A status message A owes the sender of one of its văn bản đến (its .edxml names the document)."""
    return Case({"document_id": w.status_document_id, "status_id": w.status.id}, [w.status_subject], [])


def outgoing(w, body=None, **args):
    watch = [(OutgoingDocument, w.outgoing.id), (OutgoingAttachment, w.out_attachment_id)]
    return Case({"document_id": w.outgoing.id, **args}, w.out_secrets, watch, body or {})


def sent(w, body=None, **args):
    watch = [(OutgoingDocument, w.sent.id), (OutgoingRecipient, w.sent_recipient_id)]
    return Case({"document_id": w.sent.id, **args}, [w.sent.subject], watch, body or {})


def task(w, body=None, **args):
    secrets = [*w.in_secrets, w.instance.title]
    return Case({"task_id": w.task.id, **args}, secrets, [(HumanTask, w.task.id)], body or {})


def case(w, body=None, **args):
    watch = [(WorkflowInstance, w.case.id), (HumanTask, w.case_task.id)]
    return Case({"instance_id": w.case.id, **args}, w.case_secrets, watch, body or {})


def dossier(w, body=None, **args):
    watch = [(Dossier, w.dossier.id), (DossierItem, w.dossier_item.id), (DossierGrant, w.grant.id)]
    return Case({"dossier_id": w.dossier.id, **args}, [*w.dossier_secrets, MARK], watch, body or {})


def plan(w, body=None, **args):
    watch = [(FilePlan, w.plan.id), (FilePlanEntry, w.plan_entry.id), (FilePlanHeading, w.plan_heading.id)]
    return Case({"plan_id": w.plan.id, **args}, [w.plan_entry.title, w.plan_heading.title], watch, body or {})


def transfer(w, body=None, **args):
    watch = [(DossierTransfer, w.transfer.id), (DossierTransferEntry, w.transfer_entry.id)]
    title = w.transfer_entry.dossier.title
    return Case({"transfer_id": w.transfer.id, **args}, [title], watch, body or {})


def hold(w, body=None, **args):
    return Case({"hold_id": w.hold.id, **args}, [MARK], [(DossierHold, w.hold.id)], body or {})


def destruction(w, body=None, **args):
    watch = [(DossierDestruction, w.destruction.id)]
    return Case({"destruction_id": w.destruction.id, **args}, [MARK], watch, body or {})


def person(w, body=None, **args):
    who = w.specialist
    return Case({"user_id": who.id, **args}, [who.full_name, who.username], [(User, who.id)], body or {})


def agency(w, body=None, **args):
    return Case({"agency_id": w.a.id, **args}, [w.a.name, w.a.address], [(Agency, w.a.id)], body or {})


def access_warning(w, body=None):
    """A warning of a change of A's access rights (NĐ 30 Phụ lục VI III.3.c), raised as a page raises it."""
    from app.audit import services as audit
    from app.audit.models import AccessChangeWarning

    summary = f"Đổi vai trò của {w.specialist.full_name} ({MARK})"
    event = audit.record(
        w.admin, "user.update", w.specialist, agency_id=w.a.id, summary=summary, changes={"roles": ["van_thu"]}
    )
    db.session.flush()
    warning = db.session.scalar(sa.select(AccessChangeWarning).where(AccessChangeWarning.event_id == event.id))
    return Case({"warning_id": warning.id}, [summary, MARK], [(AccessChangeWarning, warning.id)], body or {})


def of(model, attr, arg, secrets=lambda w: [MARK], body=None):
    """A case on one row (`world.<attr>`) under URL argument `arg`."""

    def factory(w):
        row = getattr(w, attr)
        return Case({arg: row.id}, secrets(w), [(model, row.id)], body or {})

    return factory


COMPLETE = {"data": {"y_kien": "Đồng ý"}, "outcome": "tiep_nhan"}
REASSIGN = {"user_id": 0, "note": "Chuyển"}
RECALL = {"reason": "Thu hồi vì sai sót"}
PROGRESS = {"note": "Đã xong một nửa", "percent": 50}
EXTENSION = {"reason": "Chờ số liệu", "proposed_date": TODAY}
GRANT = {"user_id": 0, "note": "Cho mượn"}
DOSSIER_PATCH = {"title": "Đổi tên", "description": "x"}
ENTRY = {"title": "Hồ sơ mới", "maintenance": "05", "heading_id": 0}

# fmt: off
CASES = {
    # --- văn bản đến ---------------------------------------------------------------------------------
    "incoming_api.detail": incoming,
    "incoming_api.file": lambda w: incoming(w, file_id=w.in_file_id),
    "incoming_api.handling_history": incoming,
    "incoming_api.slip_pdf": handled,
    "incoming_api.recall_record": incoming,
    "incoming_api.recall_request": lambda w: incoming(w, {"note": "Thu hồi"}),
    "incoming_api.recall_accept": lambda w: incoming(w, RECALL),
    "incoming_api.recall_refuse": lambda w: incoming(w, RECALL),
    "incoming_api.record_progress": lambda w: handled(w, {"text": "Đã xong một nửa"}),
    "incoming_api.reassign": lambda w: handled(w, {"user_id": w.specialist.id}),
    "incoming_api.return_to_unit": lambda w: handled(w, {"reason": "Không đúng chức năng"}),
    "incoming_api.request_extension": lambda w: handled(w, EXTENSION),
    "incoming_api.approve_extension": lambda w: handled(w, {"note": "Đồng ý"}, extension_id=w.extension.id),
    "incoming_api.refuse_extension": lambda w: handled(w, {"note": "Không"}, extension_id=w.extension.id),
    "incoming_api.status_file": lambda w: status(w),
    "incoming.document": incoming,
    "incoming.file": lambda w: incoming(w, file_id=w.in_file_id),
    "incoming.print_slip": handled,
    "incoming.record_progress": lambda w: handled(w, PROGRESS),
    "incoming.reassign": lambda w: handled(w, {"user_id": w.specialist.id}),
    "incoming.return_to_unit": lambda w: handled(w, {"reason": "Không đúng chức năng"}),
    "incoming.request_extension": lambda w: handled(w, EXTENSION),
    "incoming.decide_extension": lambda w: handled(w, {"note": "x"}, extension_id=w.extension.id, decision="approve"),
    "incoming.accept_recall": lambda w: incoming(w, RECALL),
    "incoming.refuse_recall": lambda w: incoming(w, RECALL),
    "incoming.status_file": lambda w: status(w),
    # --- văn bản đi ------------------------------------------------------------------------------------
    "outgoing_api.detail": outgoing,
    "outgoing_api.update": lambda w: outgoing(w, {"subject": "Đổi trích yếu"}),
    "outgoing_api.add_attachment": lambda w: outgoing(w, {"file": PDF}),
    "outgoing_api.comment": lambda w: outgoing(w, {"comment": "Góp ý"}),
    "outgoing_api.recall": lambda w: sent(w, RECALL),
    "outgoing_api.recipients": sent,
    "outgoing_api.start_related": lambda w: sent(w, {"relation": "replace"}),
    "outgoing_api.submit": outgoing,
    "outgoing_api.upload_version": lambda w: outgoing(w, {"file": PDF, "note": "Sửa"}),
    "outgoing_api.version_file": lambda w: outgoing(w, version_id=w.out_version_id),
    "outgoing.document": outgoing,
    "outgoing.add_attachment": lambda w: outgoing(w, {"file": PDF}),
    "outgoing.attachment_file": lambda w: outgoing(w, attachment_id=w.out_attachment_id),
    "outgoing.remove_attachment": lambda w: outgoing(w, attachment_id=w.out_attachment_id),
    "outgoing.cancel": lambda w: outgoing(w, {"reason": "Không cần nữa"}),
    "outgoing.comment": lambda w: outgoing(w, {"text": "Góp ý"}),
    "outgoing.edit": lambda w: outgoing(w, {"subject": "Đổi trích yếu"}),
    "outgoing.recall": lambda w: sent(w, RECALL),
    "outgoing.external_package": lambda w: sent(w, recipient_id=w.sent_recipient_id),
    "outgoing.resend": lambda w: sent(w, recipient_id=w.sent_recipient_id),
    "outgoing.start_related": lambda w: sent(w, {"relation": "replace"}),
    "outgoing.submit": outgoing,
    "outgoing.upload_version": lambda w: outgoing(w, {"file": PDF, "note": "Sửa"}),
    "outgoing.version_file": lambda w: outgoing(w, version_id=w.out_version_id),
    # --- bản sao -----------------------------------------------------------------------------------------
    "copies_api.download": of(ElectronicCopy, "copy", "copy_id", lambda w: w.in_secrets[:1]),
    "copies.file": of(ElectronicCopy, "copy", "copy_id", lambda w: w.in_secrets[:1]),
    # --- công việc, hồ sơ công việc (workflow) -----------------------------------------------------------
    "workflow_api.get_task": task,
    "workflow_api.field_choices": lambda w: task(w, field="user_id"),
    "workflow_api.claim": task,
    "workflow_api.unclaim": task,
    "workflow_api.complete": lambda w: task(w, COMPLETE),
    "workflow_api.reassign": lambda w: task(w, {"user_id": w.specialist.id}),
    "workflow_api.get_instance": case,
    "workflow_api.retry": case,
    "case_diagram_api.CaseDiagram": case,
    "workflow.task_page": task,
    "workflow.claim": task,
    "workflow.unclaim": task,
    "workflow.complete": lambda w: task(w, {"outcome": "tiep_nhan"}),
    "workflow.reassign": lambda w: task(w, {"user_id": w.specialist.id, "note": "Chuyển"}),
    "workflow.task_file": lambda w: task(w, digest=w.incoming.files[0].sha256),
    "workflow.case_page": case,
    "case_diagram.diagram_data": case,
    "workflow_admin.retry": case,
    # --- hồ sơ, danh mục hồ sơ, lưu trữ ------------------------------------------------------------------
    "dossiers_api.DossierResource": lambda w: dossier(w, {"description": "Đổi", "keywords": "x"}),
    "dossiers_api.Grants": lambda w: dossier(w, GRANT),
    "dossiers_api.revoke_grant": lambda w: dossier(w, grant_id=w.grant.id),
    "dossiers_api.add_item": lambda w: dossier(w, {"kind": "incoming", "object_id": w.incoming.id}),
    "dossiers_api.remove_item": lambda w: dossier(w, item_id=w.dossier_item.id),
    "dossiers_api.item_file": lambda w: dossier(w, item_id=w.dossier_item.id),
    "dossier_closing_api.close": lambda w: dossier(w, {"end_date": TODAY}),
    "dossier_closing_api.review": dossier,
    "dossier_closing_api.export_pdf": dossier,
    "dossier_closing_api.export_xml": dossier,
    "dossier_closing_api.export_sip": dossier,
    "dossier_closing_api.reopen": lambda w: dossier(w, {"reason": "Bổ sung"}),
    "dossiers.dossier": dossier,
    "dossiers.add": dossier,
    "dossiers.describe": lambda w: dossier(w, DOSSIER_PATCH),
    "dossiers.grant": lambda w: dossier(w, GRANT),
    "dossiers.revoke": lambda w: dossier(w, grant_id=w.grant.id),
    "dossiers.file_document": lambda w: dossier(w, {"kind": "incoming", "object_id": w.incoming.id}),
    "dossiers.item_file": lambda w: dossier(w, item_id=w.dossier_item.id),
    "dossiers.remove_item": lambda w: dossier(w, item_id=w.dossier_item.id),
    "dossiers.upload": lambda w: dossier(w, {"file": PDF, "title": "Tài liệu"}),
    "dossier_closing.review": lambda w: dossier(w, {"end_date": TODAY}),
    "dossier_closing.export_pdf": dossier,
    "dossier_closing.export_xml": dossier,
    "dossier_closing.export_sip": dossier,
    "dossier_closing.reopen": lambda w: dossier(w, {"reason": "Bổ sung"}),
    "dossiers.open_entry": lambda w: Case(
        {"entry_id": w.plan_entry.id}, [w.plan_entry.title], [(FilePlanEntry, w.plan_entry.id)]
    ),
    "file_plan_api.Plan": lambda w: plan(w, {"numbering": "plan"}),
    "file_plan_api.approve": lambda w: plan(w, {"decision_number": "1/QĐ", "decision_date": TODAY}),
    "file_plan_api.add_entry": lambda w: plan(w, {**ENTRY, "heading_id": w.plan_heading.id}),
    "file_plan_api.Entry": lambda w: plan(w, {"title": "Đổi"}, entry_id=w.plan_entry.id),
    "file_plan_api.move_entry": lambda w: plan(w, {"direction": "up"}, entry_id=w.plan_entry.id),
    "file_plan_api.export_pdf": plan,
    "file_plan_api.export_xlsx": plan,
    "file_plan_api.add_heading": lambda w: plan(w, {"title": "Mục mới"}),
    "file_plan_api.Heading": lambda w: plan(w, {"title": "Đổi"}, heading_id=w.plan_heading.id),
    "file_plan_api.move_heading": lambda w: plan(w, {"direction": "up"}, heading_id=w.plan_heading.id),
    "file_plan.export": lambda w: plan(w, fmt="pdf"),
    "file_plan.approve": lambda w: plan(w, {"decision_number": "1/QĐ", "decision_date": TODAY}),
    "file_plan.add_entry": lambda w: plan(w, {**ENTRY, "heading_id": w.plan_heading.id}),
    "file_plan.edit_entry": lambda w: plan(w, {"title": "Đổi"}, entry_id=w.plan_entry.id),
    "file_plan.entry_action": lambda w: plan(w, entry_id=w.plan_entry.id, action="delete"),
    "file_plan.add_heading": lambda w: plan(w, {"title": "Mục mới"}),
    "file_plan.edit_heading": lambda w: plan(w, {"title": "Đổi"}, heading_id=w.plan_heading.id),
    "file_plan.heading_action": lambda w: plan(w, heading_id=w.plan_heading.id, action="delete"),
    "file_plan.numbering": lambda w: plan(w, {"numbering": "heading"}),
    "dossiers_archive_api.get_transfer": transfer,
    "dossiers_archive_api.transfer_bien_ban": transfer,
    "dossiers_archive_api.transfer_muc_luc": transfer,
    "dossiers_archive_api.accept_entry": lambda w: transfer(w, entry_id=w.transfer_entry.id),
    "dossiers_archive_api.check_entry": lambda w: transfer(w, {"note": "Đủ"}, entry_id=w.transfer_entry.id),
    "dossiers_archive_api.return_entry": lambda w: transfer(w, {"reason": "Thiếu"}, entry_id=w.transfer_entry.id),
    "dossiers_archive.transfer_page": transfer,
    "dossiers_archive.bien_ban": transfer,
    "dossiers_archive.muc_luc": transfer,
    "dossiers_archive.decide": lambda w: transfer(w, {"note": "x"}, entry_id=w.transfer_entry.id, action="accept"),
    "dossiers_archive_api.get_hold": hold,
    "dossiers_archive_api.hold_add": lambda w: hold(w, {"dossier_id": w.dossier.id}),
    "dossiers_archive_api.hold_remove": lambda w: hold(w, dossier_id=w.dossier.id),
    "dossiers_archive_api.hold_release": lambda w: hold(w, {"note": "Hết thanh tra"}),
    "dossiers_archive.hold_page": hold,
    "dossiers_archive.hold_action": lambda w: hold(w, {"note": "Hết thanh tra"}, action="release"),
    "dossiers_archive_api.get_destruction": destruction,
    "dossiers_archive_api.destruction_pdf": destruction,
    "dossiers_archive_api.destruction_add": lambda w: destruction(w, {"dossier_id": w.dossier.id}),
    "dossiers_archive_api.destruction_remove": lambda w: destruction(w, dossier_id=w.dossier.id),
    "dossiers_archive_api.destruction_propose": lambda w: destruction(w, {"council_opinion": "Đồng ý"}),
    "dossiers_archive_api.destruction_approve": lambda w: destruction(
        w, {"decision_number": "1/QĐ", "decision_date": TODAY}
    ),
    "dossiers_archive_api.destruction_reject": lambda w: destruction(w, {"reason": "Chưa đủ"}),
    "dossiers_archive_api.destruction_execute": destruction,
    "dossiers_archive_api.destruction_discard": destruction,
    "dossiers_archive.destruction_page": destruction,
    "dossiers_archive.destruction_pdf": destruction,
    "dossiers_archive.destruction_action": lambda w: destruction(w, {"reason": "x"}, action="propose"),
    # --- tổ chức, tài khoản ---------------------------------------------------------------------------------
    "org_api.AgencyItem": lambda w: agency(w, {"name": "Đổi tên"}),
    "org_api.Units": lambda w: agency(w, {"name": "Phòng mới", "abbreviation": "PM"}),
    "org_api.UserItem": lambda w: person(w, {"full_name": "Đổi tên"}),
    "org_api.deactivate": person,
    "org_api.reactivate": person,
    "workflow_handover_api.deactivate": lambda w: person(w, {"to_user_id": w.clerk.id}),
    "workflow_handover_api.open_tasks": person,
    "org_api.revoke": of(Delegation, "delegation", "delegation_id"),
    "access_warnings.confirm": lambda w: access_warning(w, {"note": "Đã xem"}),
    "access_warnings_api.confirm_warning": lambda w: access_warning(w, {"note": "Đã xem"}),
    "upload_policy_api.UploadPolicyItem": lambda w: agency(w, {"active_pdf": "refuse", "keep_original": False}),
    "org_api.revoke_token": of(ApiToken, "token", "token_id"),
    "admin.agency_detail": agency,
    "admin.agency_form": lambda w: agency(w, {"name": "Đổi tên", "code": w.a.code}),
    "admin.create_unit": lambda w: agency(w, {"name": "Phòng mới", "abbreviation": "PM"}),
    "admin.unit_form": lambda w: Case(
        {"unit_id": w.unit.id}, [w.unit.name], [(Unit, w.unit.id)], {"name": "Đổi", "abbreviation": "Đ"}
    ),
    "admin.user_detail": person,
    "admin.user_form": lambda w: person(w, {"full_name": "Đổi tên"}),
    "admin.deactivate_user": person,
    "admin.reactivate_user": person,
    "admin.reset_password": lambda w: person(w, {"password": "Matkhau-Moi-2026!", "confirm": "Matkhau-Moi-2026!"}),
    "workflow_handover.deactivate": lambda w: person(w, {"to_user_id": w.clerk.id}),
    "workflow_handover.open_work": person,
    "org.revoke_delegation": of(Delegation, "delegation", "delegation_id"),
    "org.revoke_token": of(ApiToken, "token", "token_id"),
    # --- thông báo, tìm kiếm đã lưu -------------------------------------------------------------------------
    "notifications_api.mark_read": of(Notification, "notice", "notification_id", lambda w: [w.notice.title]),
    "notifications.mark_read": of(Notification, "notice", "notice_id", lambda w: [w.notice.title]),
    "notifications.open_notice": of(Notification, "notice", "notice_id", lambda w: [w.notice.title]),
    "search_api.SavedItem": of(SavedSearch, "saved", "saved_id"),
    "search_api.run_saved": of(SavedSearch, "saved", "saved_id"),
    "search.delete_saved": of(SavedSearch, "saved", "saved_id"),
    # --- sổ, loại văn bản, lịch làm việc ---------------------------------------------------------------------
    "documents_api.RegisterItem": of(Register, "register", "register_id", lambda w: [w.register.name]),
    "documents.register_edit": of(Register, "register", "register_id", lambda w: [w.register.name]),
    "documents.document_type_toggle": of(DocumentType, "doctype", "type_id"),
    "sla_api.delete_override": of(CalendarOverride, "override", "override_id"),
    "sla.remove_override": of(CalendarOverride, "override", "override_id"),
    # --- ký số, hàng đợi liên thông ----------------------------------------------------------------------
    "signing_api.show": of(SigningCredential, "credential", "credential_id", lambda w: [w.leader.full_name]),
    "signing_api.image": of(SigningCredential, "credential", "credential_id", lambda w: [w.leader.full_name]),
    "signing_api.deactivate": of(
        SigningCredential, "credential", "credential_id", lambda w: [w.leader.full_name], {"reason": "Lộ khóa"}
    ),
    "signing.credential_image": of(SigningCredential, "credential", "credential_id", lambda w: [w.leader.full_name]),
    "signing.deactivate": of(
        SigningCredential, "credential", "credential_id", lambda w: [w.leader.full_name], {"reason": "Lộ khóa"}
    ),
    "signing.my_signature_image": of(SigningCredential, "credential", "credential_id", lambda w: [w.leader.full_name]),
    "trust_roots_api.TrustRoot": of(TrustedCertificate, "trust_root", "certificate_id"),
    "trust_roots_api.disable": of(TrustedCertificate, "trust_root", "certificate_id"),
    "trust_roots_api.enable": of(TrustedCertificate, "trust_root", "certificate_id"),
    "trust_roots.remove": of(TrustedCertificate, "trust_root", "certificate_id"),
    "trust_roots.set_active": lambda w: Case(
        {"certificate_id": w.trust_root.id, "change": "disable"}, [MARK], [(TrustedCertificate, w.trust_root.id)]
    ),
    "exchange_outbox_api.get_message": of(OutboxMessage, "outbox", "message_id", lambda w: [w.sent.subject]),
    "exchange_outbox_api.retry": of(OutboxMessage, "outbox", "message_id", lambda w: [w.sent.subject]),
    "exchange.outbox.retry": of(OutboxMessage, "outbox", "message_id", lambda w: [w.sent.subject]),
    # --- thiết kế quy trình: the versions and forms of A itself -------------------------------------------------
    "designer_versions_api.Version": of(ProcessVersion, "version", "version_id"),
    "designer_versions_api.VersionBpmn": of(ProcessVersion, "version", "version_id"),
    "designer_versions_api.Rollback": of(ProcessVersion, "version", "version_id"),
    "designer_versions.show": lambda w: Case(
        {"process_id": w.version.process_id, "version_id": w.version.id}, [MARK], [(ProcessVersion, w.version.id)]
    ),
    "designer_versions.download": lambda w: Case(
        {"process_id": w.version.process_id, "version_id": w.version.id}, [MARK], [(ProcessVersion, w.version.id)]
    ),
    "designer_versions.rollback": lambda w: Case(
        {"process_id": w.version.process_id, "version_id": w.version.id}, [MARK], [(ProcessVersion, w.version.id)]
    ),
}
# fmt: on


def process(w):
    return Case({"process_id": w.version.process_id}, [MARK], [(ProcessVersion, w.version.id)])


def form(w):
    return Case({"key": w.form_key}, [MARK], [(AgencyForm, w.form.id)], {"definition": {}})


# The argument names a deployment-wide thing (a process id, a form key, a report kind, a task name): the answer is
# about the attacker's own agency, so any status may come back, but never one of A's values. GET only: their writes
# (deploy, save a form) change the attacker's own agency, which is theirs to change.
SCOPED = {
    "designer_modeler.edit": process,
    "designer_modeler.check": process,
    "designer_heatmap.page": process,
    "designer_heatmap.what_if": process,
    "designer_heatmap.slowest": lambda w: Case({"process_id": "work_assignment", "task_name": "distribute_work"}, []),
    "designer_migration.choose": process,
    "designer_versions.index": process,
    "designer_versions.compare": process,
    "designer_forms.edit": form,
    "designer_forms_api.Form": form,
    "designer_heatmap_api.Heatmap": process,
    "designer_heatmap_api.Slowest": lambda w: Case(
        {"process_id": "work_assignment", "task_name": "distribute_work"}, []
    ),
    "designer_versions_api.ProcessVersions": process,
    "workflow.start_case": process,
    "reports_api.handling": lambda w: Case({"kind": "incoming"}, []),
    "reports.handling": lambda w: Case({"kind": "incoming"}, []),
    "reports.handling_file": lambda w: Case({"kind": "incoming", "fmt": "xlsx"}, []),
    "reports.exchange_file": lambda w: Case({"fmt": "xlsx"}, []),
}

# Deployment-wide on purpose, or not an object of one agency at all.
ALLOWED = {
    # Static assets.
    "static": "the application's static files",
    "reports.static": "the reports module's static files (CSS, JS)",
    # The exchange directory (danh bạ liên thông) and the peer systems serve every agency of the deployment
    # (app.exchange.permissions): reading the directory is open to every signed-in person (public agencies and
    # their public codes, QĐ 20/2020); writing both is for an administrator of a top-level agency only.
    "exchange.directory.set_active": "deployment-wide directory (top-level administrators only)",
    "exchange.directory.edit": "deployment-wide directory (top-level administrators only)",
    "exchange.directory.merge": "deployment-wide directory (top-level administrators only)",
    "exchange_directory_api.DirectoryItem": "deployment-wide directory (read: everyone; write: top-level admins)",
    "exchange_directory_api.set_active": "deployment-wide directory (top-level administrators only)",
    "exchange_directory_api.merge": "deployment-wide directory (top-level administrators only)",
    "exchange.peers.check": "deployment-wide peer systems (top-level administrators only)",
    "exchange.peers.edit": "deployment-wide peer systems (top-level administrators only)",
    "exchange.peers.rotate": "deployment-wide peer systems (top-level administrators only)",
    "exchange_peers_api.PeerItem": "deployment-wide peer systems (top-level administrators only)",
    "exchange_peers_api.check": "deployment-wide peer systems (top-level administrators only)",
    "exchange_peers_api.rotate": "deployment-wide peer systems (top-level administrators only)",
    # Backups are of the whole deployment, for an administrator of a top-level agency only (app.backup.permissions);
    # the argument is an archive's file name, no agency's object.
    "backup.verify": "deployment-wide backups (top-level administrators only)",
    # A process id names a shipped process every agency runs; deploying and validating act on the actor's agency.
    "designer_modeler.deploy": "writes the actor's own agency's version (GET-less; covered by the designer tests)",
    "designer_modeler_api.Deploy": "writes the actor's own agency's version",
    "designer_modeler_api.Validate": "validates the posted XML; reads no stored object",
    "designer_heatmap_api.WhatIf": "computes over the actor's own agency's history (tests/designer)",
    "designer_migration.run": "migrates the actor's own agency's cases (workflow.permissions.can_migrate_case)",
    "designer_forms.save": "writes the actor's own agency's form",
    "workflow_api.start": "starts a case in the actor's own agency",
}

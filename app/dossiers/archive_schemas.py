"""marshmallow shapes of the archive's REST API: settings, transfers, holds, destructions."""

from marshmallow import Schema, fields

from app.api.schemas import Int, Str
from app.dossiers.schemas import DossierSchema
from app.dossiers.states import DESTRUCTION_STATUS_LABELS, TRANSFER_STATUS_LABELS


class DossierSettingsSchema(Schema):
    transfer_after = Str(metadata={"description": "ISO 8601: thời hạn nộp lưu sau khi công việc kết thúc (P1Y, P60D)"})
    construction_transfer_after = Str(metadata={"description": "hồ sơ xây dựng cơ bản, sau khi quyết toán (P3M)"})
    reminder_days = Int(metadata={"description": "nhắc trước hạn nộp lưu bao nhiêu ngày (Phụ lục VI III.5.b)"})


class DossierSettingsUpdateArgs(Schema):
    transfer_after = Str()
    construction_transfer_after = Str()
    reminder_days = fields.Raw()


class DossierTransferCreateArgs(Schema):
    name = Str(required=True, metadata={"description": "tên khối tài liệu giao nộp"})
    dossier_ids = fields.List(Int(), required=True)
    condition_note = Str(load_default=None, allow_none=True)


class DossierTransferEntrySchema(Schema):
    id = Int()
    position = Int(metadata={"description": "Số TT trong Mục lục"})
    dossier = fields.Nested(DossierSchema)
    decision = Str(allow_none=True, metadata={"description": "null (chờ) | accepted | returned"})
    reason = Str(allow_none=True)
    manifest = fields.Dict(metadata={"description": "{DocOrdinal: [SHA-256 của từng tệp]} khi nộp lưu"})
    check_result = fields.Dict(allow_none=True, metadata={"description": "{ok, problems, files, checked_at}"})
    decided_at = fields.AwareDateTime(allow_none=True)


class DossierTransferSchema(Schema):
    id = Int()
    name = Str()
    unit_id = Int(allow_none=True)
    status = Str(metadata={"description": "submitted | done"})
    status_label = fields.Function(lambda t: TRANSFER_STATUS_LABELS[t.status])
    submitted_by_id = Int()
    submitted_at = fields.AwareDateTime()
    received_by_id = Int(allow_none=True)
    received_at = fields.AwareDateTime(allow_none=True)
    condition_note = Str(allow_none=True)
    entries = fields.List(fields.Nested(DossierTransferEntrySchema))


class ArchiveReasonArgs(Schema):
    reason = Str(required=True)


class ArchiveListArgs(Schema):
    q = Str(load_default=None)
    year = Int(load_default=None)
    maintenance = Str(load_default=None)
    limit = Int(load_default=50, validate=lambda n: 1 <= n <= 200)
    offset = Int(load_default=0, validate=lambda n: n >= 0)


class EligibleArgs(Schema):
    limit = Int(load_default=100, validate=lambda n: 1 <= n <= 500)
    offset = Int(load_default=0, validate=lambda n: n >= 0)


class ArchiveDossierPageSchema(Schema):
    items = fields.List(fields.Nested(DossierSchema))
    total = Int()


class DossierHoldCreateArgs(Schema):
    name = Str(required=True)
    reason = Str(required=True)
    dossier_ids = fields.List(Int(), load_default=list)


class DossierHoldSchema(Schema):
    id = Int()
    name = Str()
    reason = Str()
    created_by_id = Int()
    created_at = fields.AwareDateTime()
    released_at = fields.AwareDateTime(allow_none=True)
    released_by_id = Int(allow_none=True)
    release_note = Str(allow_none=True)
    dossier_ids = fields.Function(lambda h: [d.id for d in h.dossiers])


class ArchiveDossierIdArgs(Schema):
    dossier_id = Int(required=True)


class DossierHoldReleaseArgs(Schema):
    note = Str(required=True)


class DossierDestructionCreateArgs(Schema):
    title = Str(required=True)
    dossier_ids = fields.List(Int(), load_default=list)
    council_opinion = Str(load_default=None, allow_none=True)


class DossierDestructionProposeArgs(Schema):
    council_opinion = Str(load_default=None, allow_none=True)


class DossierDestructionApproveArgs(Schema):
    decision_number = Str(required=True)
    decision_date = fields.Date(required=True)
    note = Str(load_default=None, allow_none=True)


class DossierDestructionEntrySchema(Schema):
    id = Int()
    position = Int()
    dossier_id = Int()
    file_code = Str()
    title = Str()
    maintenance = Str()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    doc_total = Int()
    page_total = Int()
    files = fields.List(
        fields.Dict(),
        metadata={
            "description": "[{sha256, size, fate: pending|destroyed|shared}] (tệp của hồ sơ; tệp của văn bản đã hủy "
            "nội dung có thêm object_type, object_id, origin) hoặc văn bản {fate: kept, reason} | {fate: content_gone}"
        },
    )


class DossierDestructionSchema(Schema):
    id = Int()
    title = Str()
    status = Str(metadata={"description": "draft | proposed | approved | rejected | executed"})
    status_label = fields.Function(lambda d: DESTRUCTION_STATUS_LABELS[d.status])
    proposed_by_id = Int()
    proposed_at = fields.AwareDateTime()
    council_opinion = Str(allow_none=True)
    decision_number = Str(allow_none=True)
    decision_date = fields.Date(allow_none=True)
    decided_by_id = Int(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    decision_note = Str(allow_none=True)
    executed_by_id = Int(allow_none=True)
    executed_at = fields.AwareDateTime(allow_none=True)
    entries = fields.List(fields.Nested(DossierDestructionEntrySchema))

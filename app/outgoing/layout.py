"""Is the draft laid out for the procedure? Its "Số:" line, its date line, the proposed signer's block.

At signing the number and date fields go over the "Số:" line and the "<địa danh>, ngày … tháng … năm …" line of
page 1 (NĐ 30/2020 Phụ lục I Mục IV, ô 2 and ô 4; `sign.prepare_draft`), and the signature image between the
signer's printed title and name on the last page (Phụ lục I II.7.d; `sign.sign_personal`). A draft without them
fails there — after the whole review. So the drafter hears what is missing when he uploads (a warning: the
signer may not be chosen yet) and when he submits (a refusal), and the clerk sees, before issuing, when the
ký hiệu printed after "Số:" is not the one the document will get.
"""

from dataclasses import dataclass, field

from flask import current_app

from app.outgoing import files
from app.outgoing.models import OutgoingDocument, VersionStage

# Where a signature image would go does not depend on its size; any size finds the block or not.
_ANY_IMAGE_SIZE = (10.0, 10.0)


@dataclass
class Layout:
    problems: dict[str, str] = field(default_factory=dict)  # field → what is missing: refused at submit
    printed_notation: str | None = None  # the ký hiệu printed after "Số:" ("UBND-VP"), None when none is printed
    notation_differs: bool = False


def check(pdf: bytes, *, signer_name: str | None, notation: str | None) -> Layout:
    """The draft's layout against the document's proposed signer and ký hiệu."""
    from app.signing import placement  # pyHanko: imported on first use, not at start (tests/test_lazy_imports.py)
    from app.signing.pdf_fields import DATE_FIELD, NUMBER_FIELD, number_fields_state

    layout = Layout()
    fields = number_fields_state(pdf)
    if NUMBER_FIELD not in fields or DATE_FIELD not in fields:
        number, date = placement.field_boxes(pdf)
        if number is None and NUMBER_FIELD not in fields:
            layout.problems["number_line"] = (
                "Không tìm thấy dòng “Số:” ở nửa trên trang đầu dự thảo (Phụ lục I, ô 2), nơi văn thư cấp số."
            )
        if date is None and DATE_FIELD not in fields:
            layout.problems["date_line"] = (
                "Không tìm thấy dòng địa danh, ngày tháng năm (hoặc dòng “Độc lập - Tự do - Hạnh phúc”) ở trang đầu "
                "dự thảo (Phụ lục I, ô 4), nơi ghi ngày ban hành."
            )
    # With a configured fallback position (QLVB_SIGNATURE_BOX) signing never needs the block.
    needs_block = signer_name and not current_app.config.get("SIGNATURE_FALLBACK_BOX")
    if needs_block and placement.signature_box(pdf, signer_name, _ANY_IMAGE_SIZE) is None:
        layout.problems["signer_block"] = (
            f"Không tìm thấy khối chữ ký của “{signer_name}” ở trang cuối dự thảo: chức vụ của người ký ở trên, "
            "họ tên ở dưới, có khoảng trống giữa hai dòng để đặt chữ ký (Phụ lục I II.7.d)."
        )
    printed = placement.printed_number(pdf)
    if printed and "/" in printed:
        layout.printed_notation = "".join(printed.split("/", 1)[1].split()) or None
    if layout.printed_notation and notation:
        layout.notation_differs = _plain(layout.printed_notation) != _plain(notation)
    return layout


def of_document(document: OutgoingDocument) -> Layout | None:
    """The newest draft's layout, or None without a draft (or once it is signed: the signature fixed it)."""
    draft = files.newest(document, VersionStage.DRAFT)
    if draft is None:
        return None
    signer = document.signer.full_name if document.signer else None
    return check(files.read(draft.sha256), signer_name=signer, notation=document.notation)


def _plain(notation: str) -> str:
    return "".join(notation.split()).upper()

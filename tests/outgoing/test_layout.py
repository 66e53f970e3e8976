"""The draft's layout is checked when it is uploaded and submitted, not only at signing after the whole review.

A draft without its "Số:" line, its date line or the proposed signer's block (title above, name below) cannot be
numbered, dated or signed (NĐ 30/2020 Phụ lục I Mục IV ô 2 and 4, II.7.d): the drafter is told on the page and in
the API, and submitting is refused. A ký hiệu printed after "Số:" that is not the document's is shown to the
drafter and, before issue, to the clerk.
"""

import io

import pytest
from reportlab.pdfgen.canvas import Canvas

from app.core.errors import ValidationError
from app.documents.uploads import Upload
from app.outgoing import layout, services
from app.signing import sample
from app.workflow.definitions import sync_processes
from tests.conftest import login
from tests.outgoing.conftest import (
    LEADER,
    make_draft,
    new_draft,
    outgoing_office,  # noqa: F401  (fixture)
    sign,
    task_named,
    to_signing,
)


def bare_pdf(*lines: str) -> bytes:
    """A page with text and nothing of the administrative layout."""
    sample._register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(595.28, 841.89))
    canvas.setFont(sample.REGULAR, 13)
    for i, line in enumerate(lines):
        canvas.drawString(80, 700 - 20 * i, line)
    canvas.save()
    return out.getvalue()


def test_a_well_laid_out_draft_has_no_problem(app):
    with app.test_request_context():
        found = layout.check(make_draft(), signer_name=LEADER[1], notation="UBND-TH")
    assert found.problems == {} and found.printed_notation is None and not found.notation_differs


def test_a_draft_without_its_lines_says_what_is_missing(app):
    with app.test_request_context():
        found = layout.check(
            bare_pdf("Kính gửi: Sở Tài chính", "Nội dung công văn."), signer_name="Trần Văn Minh", notation="UBND-VP"
        )
    assert set(found.problems) == {"number_line", "date_line", "signer_block"}
    assert "“Trần Văn Minh”" in found.problems["signer_block"]


def test_another_signers_block_is_not_the_proposed_signers(app):
    with app.test_request_context():
        found = layout.check(make_draft(signer_name="Lê Hoàng Phúc"), signer_name=LEADER[1], notation=None)
    assert list(found.problems) == ["signer_block"]


def test_a_configured_signature_position_needs_no_block(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNATURE_FALLBACK_BOX", (350, 100, 500, 160))
    with app.test_request_context():
        found = layout.check(make_draft(signer_name="Lê Hoàng Phúc"), signer_name=LEADER[1], notation=None)
    assert found.problems == {}


def test_the_printed_notation_is_compared_with_the_documents(app):
    with app.test_request_context():
        same = layout.check(make_draft(printed_notation="UBND-TH"), signer_name=LEADER[1], notation="ubnd - th")
        other = layout.check(make_draft(printed_notation="UBND-TH-VP"), signer_name=LEADER[1], notation="UBND-TH")
    assert same.printed_notation == "UBND-TH" and not same.notation_differs
    assert other.printed_notation == "UBND-TH-VP" and other.notation_differs


def test_submitting_a_draft_that_cannot_be_signed_is_refused_until_a_good_one_is_uploaded(outgoing_office):  # noqa: F811
    office = outgoing_office
    document = new_draft(office, make_draft(signer_name="Lê Hoàng Phúc"))
    assert services.draft_layout(document).problems.keys() == {"signer_block"}
    with pytest.raises(ValidationError) as err:
        services.submit(office.spec_a1, document.id)
    assert err.value.code == "draft_layout" and set(err.value.details) == {"signer_block"}
    assert document.status == "draft"
    services.upload_version(office.spec_a1, document.id, Upload("lan-2.pdf", make_draft()))
    services.submit(office.spec_a1, document.id)
    assert document.status != "draft" and services.draft_layout(document) is None  # no longer the drafter's


def test_the_api_reports_the_layout_and_refuses_the_submit(client, outgoing_office, api_token):  # noqa: F811
    office = outgoing_office
    document = new_draft(office, bare_pdf("Nội dung công văn."))
    headers = api_token(office.spec_a1)
    detail = client.get(f"/api/v1/outgoing/{document.id}", headers=headers).json
    assert set(detail["layout"]["problems"]) == {"number_line", "date_line", "signer_block"}
    refused = client.post(f"/api/v1/outgoing/{document.id}/submit", headers=headers)
    assert refused.status_code == 422 and refused.json["code"] == "draft_layout"
    assert set(refused.json["details"]) == {"number_line", "date_line", "signer_block"}


def test_the_drafter_sees_the_problems_on_the_document_page(client, outgoing_office):  # noqa: F811
    document = new_draft(outgoing_office, make_draft(signer_name="Lê Hoàng Phúc", printed_notation="UBND-VP"))
    login(client, "cv.a1")
    page = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert 'data-testid="draft-layout"' in page and 'data-problem="signer_block"' in page
    assert 'data-testid="notation-differs"' in page and "“UBND-VP”" in page


def test_the_clerk_sees_a_differing_notation_and_the_document_before_issuing(client, outgoing_office):  # noqa: F811
    office = outgoing_office
    sync_processes()
    document = new_draft(office, make_draft(printed_notation="UBND-VP"))
    to_signing(office, document)
    sign(office, document)
    task = task_named(document, "issue_document")
    login(client, "vanthu")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'data-testid="notation-differs"' in page and "Kiểm tra ký hiệu trước khi cấp số" in page
    assert 'data-testid="pdf-viewer"' in page  # the signed document beside the form

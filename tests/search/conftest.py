"""Search fixtures: the incoming and outgoing offices of their own tests, PDFs with Vietnamese text."""

import pytest

from app.core.db import db
from app.documents.fulltext.jobs import index_all_pdf_text
from app.signing.sample import draft_pdf
from tests.incoming.conftest import incoming_office, pki, signed_pdf, trusted  # noqa: F401
from tests.outgoing.conftest import demo_pki, outgoing_office, trusted_demo  # noqa: F401
from tests.workflow.conftest import office  # noqa: F401


def text_pdf(subject: str, body: list[str]) -> bytes:
    """A one-page document whose text layer holds `subject` and `body` (embedded Vietnamese font)."""
    return draft_pdf(
        agency_parent="",
        agency_name="Sở Nội vụ tỉnh Kiên Giang",
        notation_hint="SNV-VP",
        place="Rạch Giá",
        type_name=None,
        subject=subject,
        body=body,
        signer_authority=None,
        signer_title="Giám đốc",
        signer_name="Dương Văn Hùng",
        recipients=["Ủy ban nhân dân tỉnh"],
    )


def commit_and_index() -> int:
    """Commit what the test wrote (the metadata is indexed with it), then run the PDF job to the end."""
    db.session.commit()
    return index_all_pdf_text()


@pytest.fixture
def index_now():
    return commit_and_index

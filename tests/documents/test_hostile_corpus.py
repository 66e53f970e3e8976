"""The malformed and hostile PDF corpus through every reader of PDFs in the system: each refuses or copes, none
raises anything but its documented refusal, none takes unbounded time. (The intake over HTTP of a running
`qlvb serve`, with the worker's memory, is tests/incoming/test_hostile_intake_http.py.)"""

import time

import pytest

from app.core.errors import DomainError
from app.documents.fulltext.indexing import extract_text
from app.documents.pages import count_pages
from app.documents.pdfcheck import inspect_pdf
from app.documents.uploads import Upload, upload_problem
from app.signing.placement import render_page_png
from app.signing.sign import prepare_draft
from app.signing.verify import verify_pdf
from tests.documents import pdf_corpus

CORPUS = {**pdf_corpus.HOSTILE, "signed_with_javascript": pdf_corpus.signed_with_javascript}
SECONDS = 30  # per reader per file, on a loaded 2-core machine


@pytest.fixture(scope="module")
def corpus():
    return {name: maker() for name, maker in CORPUS.items()}


def bounded(call):
    started = time.monotonic()
    try:
        result = call()
    except DomainError as refusal:  # NotAPdf, UnsafePdf, NumberFieldMissing…: a refusal the user can read
        assert refusal.code and refusal.message
        result = refusal
    assert time.monotonic() - started < SECONDS
    return result


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_reader_refuses_or_copes(app, corpus, name):
    data = corpus[name]
    with app.test_request_context():
        problem = bounded(lambda: upload_problem(Upload(f"{name}.pdf", data)))
        report = bounded(lambda: inspect_pdf(data))
        verified = bounded(lambda: verify_pdf(data, []))  # signature verification (pyHanko)
        text = bounded(lambda: extract_text(data))  # full-text extraction (pypdf)
        pages = bounded(lambda: count_pages(data))
        picture = bounded(lambda: render_page_png(data, 0, dpi=30))  # page rendering / thumbnails (PDFium)
        stamped = bounded(lambda: prepare_draft(data))  # number fields before signing
    assert isinstance(text, str) and (pages is None or isinstance(pages, int))
    if report.refusal is not None:  # past the bounds: no reader opened it
        assert problem is not None and problem[0] == ("empty_file" if not data else report.refusal[0])
        assert text == "" and pages is None
        if report.refusal[0] != "pdf_password":
            assert isinstance(verified, DomainError) and isinstance(picture, DomainError)
            assert isinstance(stamped, DomainError)
    elif report.active:
        assert isinstance(stamped, DomainError) and stamped.code == "unsafe_pdf"  # never numbered and signed


@pytest.mark.parametrize("name", ["bomb", "looping_pages", "many_pages"])
def test_refused_files_never_reach_the_readers(app, corpus, name):
    data = corpus[name]
    with app.test_request_context():
        assert extract_text(data) == "" and count_pages(data) is None
        with pytest.raises(DomainError) as refused:
            render_page_png(data, 0)
        assert refused.value.code == "not_a_pdf" and refused.value.details["error"] == inspect_pdf(data).refusal[0]

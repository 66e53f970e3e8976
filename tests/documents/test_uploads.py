"""The one check every upload asks (app.documents.uploads.upload_problem): size, formats told by content."""

import io
import zipfile

import pytest

from app.documents.uploads import Upload, upload_problem
from tests.documents import pdf_corpus


def ooxml(main_part: str = "word/document.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main_part, "<x/>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("readme.txt", "xin chao")
    return out.getvalue()


EXE = b"MZ\x90\x00\x03" + b"\x00" * 200


@pytest.mark.parametrize(
    ("name", "data", "code", "says"),
    [
        ("cong-van.pdf", plain_zip(), "file_type_mismatch", "mang đuôi .pdf nhưng nội dung là tệp nén ZIP"),
        ("cong-van.pdf", EXE, "executable_file", "tệp chương trình"),
        ("hoa-don.docx", EXE, "executable_file", "tệp chương trình"),
        ("du-thao.docx", plain_zip(), "invalid_ooxml", "không phải tài liệu Word (DOCX) hợp lệ"),
        ("bang.xlsx", ooxml(), "file_type_mismatch", "nội dung là tài liệu Word (DOCX)"),
        ("anh.jpg", pdf_corpus.clean(), "file_type_mismatch", "nội dung là PDF"),
        ("ghi-chu.txt", b"plain text", "invalid_files", "không thuộc định dạng được chấp nhận"),
        ("gia.pdf", b"plain text", "file_type_mismatch", "mang đuôi .pdf nhưng nội dung không thuộc định dạng nào"),
        ("rong.pdf", b"", "empty_file", "rỗng"),
    ],
)
def test_a_file_whose_bytes_are_not_what_it_claims_is_refused_with_a_stable_code(app, name, data, code, says):
    with app.test_request_context():
        problem = upload_problem(Upload(name, data))
    assert problem is not None and problem[0] == code, problem
    assert says in problem[1] and f"“{name}”" in problem[1]


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("cong-van.pdf", pdf_corpus.clean(), "application/pdf"),
        ("du-thao.docx", ooxml(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("bang.xlsx", ooxml("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("ho-so.zip", plain_zip(), "application/zip"),
        ("khong-duoi", pdf_corpus.clean(), "application/pdf"),  # no extension: the bytes decide alone
    ],
)
def test_an_accepted_format_is_told_by_content(app, name, data, kind):
    upload = Upload(name, data)
    with app.test_request_context():
        assert upload_problem(upload) is None
    assert upload.content_type == kind


def test_the_size_limit_is_the_smaller_of_the_setting_and_the_web_server_s(app):
    saved = app.config["UPLOAD_MAX_BYTES"], app.config["MAX_CONTENT_LENGTH"]
    try:
        app.config["UPLOAD_MAX_BYTES"] = 2 * 1024 * 1024
        big = Upload("lon.pdf", pdf_corpus.clean() + b"%" * (3 * 1024 * 1024))
        with app.test_request_context():
            assert upload_problem(big) == ("file_too_large", "Tệp “lon.pdf” vượt quá 2 MB.")
            app.config["UPLOAD_MAX_BYTES"], app.config["MAX_CONTENT_LENGTH"] = 100 * 2**20, 1024 * 1024
            assert upload_problem(big)[0] == "file_too_large"
    finally:
        app.config["UPLOAD_MAX_BYTES"], app.config["MAX_CONTENT_LENGTH"] = saved


def test_the_default_limit_is_100_mb_per_file():
    from app.config import Config

    config = Config()
    assert config.UPLOAD_MAX_BYTES == 100 * 1024 * 1024 and config.MAX_CONTENT_LENGTH > config.UPLOAD_MAX_BYTES


@pytest.mark.parametrize(
    ("maker", "code"),
    [
        (pdf_corpus.bomb, "pdf_decompression_bomb"),
        (pdf_corpus.many_pages, "pdf_too_many_pages"),
        (pdf_corpus.looping_pages, "pdf_page_tree_loop"),
        (pdf_corpus.encrypted_with_password, "pdf_password"),
    ],
)
def test_a_pdf_no_reader_should_open_is_refused_at_upload(app, maker, code):
    with app.test_request_context():
        problem = upload_problem(Upload("van-ban.pdf", maker()))
    assert problem is not None and problem[0] == code and problem[1].startswith("Tệp “van-ban.pdf”: ")

"""`qlvb pdf verify FILE [--trust CERT.pem …]`: JSON on stdout, exit 0 valid / 1 invalid / 2 not a PDF."""

import json

import pytest

REQUIRED_KEYS = {
    "field",
    "signer",
    "signing_time",
    "intact",
    "trusted",
    "coverage",
    "modification",
    "valid",
    "certificate_sha256",
}


@pytest.fixture
def run(app, tmp_path):
    def invoke(data: bytes, *options: str):
        path = tmp_path / "van-ban.pdf"
        path.write_bytes(data)
        return app.test_cli_runner().invoke(args=["pdf", "verify", str(path), *options])

    return invoke


def test_valid_file_prints_the_report_and_exits_0(run, sealed_pdf, root_pem_path):
    result = run(sealed_pdf, "--trust", str(root_pem_path))

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"valid", "signatures", "problems"} and report["valid"] is True
    assert [set(s) - {"problems"} for s in report["signatures"]] == [REQUIRED_KEYS, REQUIRED_KEYS]
    assert "Nguyễn Văn An" in result.stdout  # ensure_ascii=False: Vietnamese stays readable


def test_invalid_file_exits_1_with_the_reason(run, sealed_pdf, root_pem_path):
    result = run(sealed_pdf.replace(b"54/UBND-VP", b"55/UBND-VP"), "--trust", str(root_pem_path))

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["signatures"][0]["intact"] is False
    assert "Nội dung đã bị sửa sau khi ký" in report["signatures"][0]["problems"]


def test_trust_option_replaces_the_configured_roots(app, run, pki, sealed_pdf, root_pem_path, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_TRUST_ROOTS", str(root_pem_path))
    assert run(sealed_pdf).exit_code == 0

    other = tmp_path / "other.pem"
    other.write_bytes(pki.rogue_root.pem)
    result = run(sealed_pdf, "--trust", str(other))
    assert result.exit_code == 1
    assert [s["trusted"] for s in json.loads(result.stdout)["signatures"]] == [False, False]


def test_without_configured_roots_nothing_is_trusted(app, run, sealed_pdf, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_TRUST_ROOTS", "")

    result = run(sealed_pdf)

    assert result.exit_code == 1
    assert json.loads(result.stdout)["signatures"][0]["trusted"] is False


@pytest.mark.parametrize(
    "data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", b"hello"]
)
def test_not_a_pdf_exits_2_with_a_vietnamese_message(run, root_pem_path, data):
    result = run(data, "--trust", str(root_pem_path))

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Tệp không phải là văn bản PDF đọc được." in result.stderr


def test_unreadable_trust_file_exits_2(run, sealed_pdf, tmp_path):
    broken = tmp_path / "broken.pem"
    broken.write_text("không phải chứng thư")

    result = run(sealed_pdf, "--trust", str(broken))

    assert result.exit_code == 2 and "Không đọc được chứng thư số" in result.stderr

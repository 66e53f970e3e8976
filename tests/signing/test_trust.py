"""Trust roots come from QLVB_TRUST_ROOTS only: a PEM bundle or a folder; never the operating system's store."""

import os

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from app.config import Config
from app.signing import trust
from app.signing.errors import TrustRootsUnavailable
from app.signing.verify import verify_pdf


def subjects(roots) -> list[str]:
    return [root.subject.native["common_name"] for root in roots]


def test_environment_variable_sets_the_trust_roots(app, monkeypatch, tmp_path):
    bundle = str(tmp_path / "roots.pem")
    monkeypatch.setenv("QLVB_TRUST_ROOTS", bundle)
    assert bundle == Config().SIGNING_TRUST_ROOTS
    monkeypatch.delenv("QLVB_TRUST_ROOTS")
    assert Config().SIGNING_TRUST_ROOTS == ""


def test_bundle_file_yields_every_certificate(pki, tmp_path):
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(pki.root.pem + b"\n" + pki.intermediate.pem)

    assert subjects(trust.load_trust_roots(bundle)) == ["Test Root CA (throwaway)", "Test Government CA (throwaway)"]


def test_folder_reads_pem_and_der_certificate_files_only(pki, tmp_path):
    (tmp_path / "a_root.pem").write_bytes(pki.root.pem)
    (tmp_path / "b_gov.cer").write_bytes(pki.intermediate.cert.public_bytes(Encoding.DER))
    (tmp_path / "README.txt").write_text("không phải chứng thư")

    assert subjects(trust.load_trust_roots(tmp_path)) == ["Test Root CA (throwaway)", "Test Government CA (throwaway)"]


@pytest.mark.parametrize(
    "content", [b"not a certificate", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
)
def test_unreadable_certificate_file_is_an_error(tmp_path, content):
    path = tmp_path / "broken.pem"
    path.write_bytes(content)

    with pytest.raises(TrustRootsUnavailable) as caught:
        trust.load_trust_roots(path)
    assert caught.value.code == "trust_roots_unavailable"


def test_missing_or_empty_location_is_an_error_not_an_empty_list(tmp_path):
    with pytest.raises(TrustRootsUnavailable):
        trust.load_trust_roots(tmp_path / "missing.pem")
    with pytest.raises(TrustRootsUnavailable):
        trust.load_trust_roots(tmp_path)  # a folder without certificate files


def test_configured_roots_are_cached_until_the_file_changes(app, pki, tmp_path, monkeypatch):
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(pki.root.pem)
    monkeypatch.setitem(app.config, "SIGNING_TRUST_ROOTS", str(bundle))
    monkeypatch.delitem(app.extensions, trust._CACHE_KEY, raising=False)
    reads = []
    real_load = trust.load_trust_roots
    monkeypatch.setattr(trust, "load_trust_roots", lambda path: reads.append(path) or real_load(path))

    assert subjects(trust.trust_roots_from_config(app)) == ["Test Root CA (throwaway)"]
    assert subjects(trust.trust_roots_from_config(app)) == ["Test Root CA (throwaway)"]
    assert len(reads) == 1

    bundle.write_bytes(pki.root.pem + pki.rogue_root.pem)
    stat = bundle.stat()
    os.utime(bundle, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert subjects(trust.trust_roots_from_config(app)) == ["Test Root CA (throwaway)", "Rogue Root CA"]
    assert len(reads) == 2


def test_verify_without_roots_uses_the_configuration(app, pki, sealed_pdf, root_pem_path, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_TRUST_ROOTS", "")
    with app.app_context():
        assert not verify_pdf(sealed_pdf).valid
        monkeypatch.setitem(app.config, "SIGNING_TRUST_ROOTS", str(root_pem_path))
        assert verify_pdf(sealed_pdf).valid


def test_broken_configuration_raises_instead_of_refusing_every_document(app, sealed_pdf, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_TRUST_ROOTS", str(tmp_path / "missing.pem"))
    with app.app_context(), pytest.raises(TrustRootsUnavailable):
        verify_pdf(sealed_pdf)


def test_certificates_are_accepted_in_every_form(pki):
    roots = trust.as_trust_roots([pki.root.cert, pki.root.asn1_cert, pki.root.pem])

    assert len(roots) == 3 and len({root.dump() for root in roots}) == 1

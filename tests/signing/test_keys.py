"""PKCS#12 keys, the checks before a key may sign, storage encryption, generated images and the demo PKI."""

import datetime as dt
import io
import os

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from PIL import Image
from pyhanko.sign.signers import pdf_cms

from app.signing import images
from app.signing.errors import (
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRevoked,
    CredentialUnreadable,
    KeyUsageNotAllowed,
    NotPkcs12,
    WrongPin,
)
from app.signing.keys import SigningKey, check_usable, load_pkcs12, open_sealed, seal, serial_hex
from app.signing.pki import build_demo_pki
from app.signing.verify import verify_pdf
from tests.signing.keyfiles import PIN, issue, p12_of, sign_with

NOW = dt.datetime.now(dt.UTC)


# --- PKCS#12 ----------------------------------------------------------------------------------------------


def test_pkcs12_round_trip_gives_a_key_that_signs_a_trusted_pdf(pki, unsigned_pdf):
    key = load_pkcs12(p12_of(pki.person, pki), PIN)

    assert isinstance(key, SigningKey)
    assert key.certificate.dump() == pki.person.asn1_cert.dump()
    assert {c.dump() for c in key.chain} == {pki.intermediate.asn1_cert.dump(), pki.root.asn1_cert.dump()}
    report = verify_pdf(sign_with(unsigned_pdf, key.pdf_signer()), pki.trust_roots)
    assert report.valid, report.problems
    assert report.signatures[0].signer.startswith("Nguyễn Văn An")


def test_cached_key_signer_parses_the_key_once_for_rsa_and_ecdsa(pki, unsigned_pdf, monkeypatch):
    """SimpleSigner re-parses the key for each raw signature (29 ms for RSA-2048, twice per PDF)."""
    parses = []
    real = pdf_cms.serialization.load_der_private_key
    monkeypatch.setattr(
        pdf_cms.serialization, "load_der_private_key", lambda *a, **k: parses.append(1) or real(*a, **k)
    )
    for issued in (pki.person, pki.seal):  # RSA-2048, ECDSA P-256
        signed = sign_with(unsigned_pdf, load_pkcs12(p12_of(issued, pki), PIN).pdf_signer())
        assert verify_pdf(signed, pki.trust_roots).valid
    assert parses == []


def test_wrong_pin_is_refused_with_a_stable_code(pki):
    with pytest.raises(WrongPin) as caught:
        load_pkcs12(p12_of(pki.person, pki), "000000")
    assert caught.value.code == "wrong_pin"
    assert "000000" not in str(caught.value.to_dict())


def test_empty_pin_opens_an_unprotected_file_and_not_a_protected_one(pki):
    assert load_pkcs12(p12_of(pki.seal, pki, pin=""), "").certificate.dump() == pki.seal.asn1_cert.dump()
    with pytest.raises(WrongPin):
        load_pkcs12(p12_of(pki.seal, pki), "")


@pytest.mark.parametrize("data", [b"", b"not a key file", b"%PDF-1.7\n%%EOF\n", b"\x30\x03\x02\x01\x03"])
def test_other_bytes_are_not_pkcs12(data):
    with pytest.raises(NotPkcs12) as caught:
        load_pkcs12(data, PIN)
    assert caught.value.code == "not_pkcs12"


# --- check_usable ------------------------------------------------------------------------------------------


def test_valid_signing_certificates_pass(pki):
    check_usable(pki.person.cert, at=NOW)  # digitalSignature + nonRepudiation
    check_usable(pki.seal.asn1_cert, at=NOW)  # digitalSignature only (seal certificates)
    check_usable(issue(pki, "Chỉ nonRepudiation", digital_signature=False, non_repudiation=True).cert, at=NOW)


def test_expired_certificate_is_refused(pki):
    expired = issue(pki, "Hết hạn", not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=1))
    with pytest.raises(CertificateExpired) as caught:
        check_usable(expired.cert, at=NOW)
    assert caught.value.code == "certificate_expired"
    assert "hết hạn" in caught.value.message


def test_certificate_is_judged_at_the_given_instant(pki):
    with pytest.raises(CertificateNotYetValid):
        check_usable(pki.person.cert, at=pki.person.cert.not_valid_before_utc - dt.timedelta(seconds=1))
    with pytest.raises(CertificateExpired):
        check_usable(pki.person.cert, at=pki.person.cert.not_valid_after_utc + dt.timedelta(seconds=1))
    with pytest.raises(ValueError):
        check_usable(pki.person.cert, at=dt.datetime.now())  # naive: whose local time?


def test_revoked_serial_is_refused(pki):
    serial = pki.person.cert.serial_number
    for listed in (serial, serial_hex(serial), format(serial, "040X")):
        with pytest.raises(CertificateRevoked) as caught:
            check_usable(pki.person.cert, at=NOW, revoked_serials=[listed])
        assert caught.value.code == "certificate_revoked"
    check_usable(pki.person.cert, at=NOW, revoked_serials=[pki.seal.cert.serial_number])


def test_certificate_without_a_signing_key_usage_is_refused(pki):
    with pytest.raises(KeyUsageNotAllowed) as caught:
        check_usable(pki.encryption_only.cert, at=NOW)
    assert caught.value.code == "key_usage"
    with pytest.raises(KeyUsageNotAllowed):
        check_usable(issue(pki, "Không có KeyUsage", key_usage=False).cert, at=NOW)


# --- storage encryption ------------------------------------------------------------------------------------


def test_sealed_bytes_open_only_with_the_same_key_and_context():
    kek, other = os.urandom(32), os.urandom(32)
    blob = seal(b"PKCS#12 bytes", kek, context=b"row-1")

    assert b"PKCS#12 bytes" not in blob
    assert open_sealed(blob, kek, context=b"row-1") == b"PKCS#12 bytes"
    with pytest.raises(CredentialUnreadable):
        open_sealed(blob, other, context=b"row-1")
    with pytest.raises(CredentialUnreadable):
        open_sealed(blob, kek, context=b"row-2")  # copied into another row
    with pytest.raises(CredentialUnreadable):
        open_sealed(blob[:-1] + bytes([blob[-1] ^ 1]), kek, context=b"row-1")


# --- images ------------------------------------------------------------------------------------------------


def _rgba(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGBA")


def _opaque_pixels(image: Image.Image) -> list[tuple[int, int, int]]:
    data = image.tobytes()
    return [tuple(data[i : i + 3]) for i in range(0, len(data), 4) if data[i + 3] == 255]


def test_signature_image_is_blue_on_transparent_at_50_by_20_mm():
    png = images.signature_png("Nguyễn Văn An")
    image = _rgba(png)

    width_pt, height_pt = images.real_size_pt(png)
    assert width_pt == pytest.approx(50 / 25.4 * 72, abs=0.5) and height_pt == pytest.approx(20 / 25.4 * 72, abs=0.5)
    assert Image.open(io.BytesIO(png)).info["dpi"] == pytest.approx((300, 300), abs=0.01)
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((image.width - 1, image.height - 1))[3] == 0
    inked = _opaque_pixels(image)
    assert len(inked) > 500
    assert all(b > r and b > g for r, g, b in inked)  # ink blue, seed 000 Điều 5.1


def test_signature_image_is_the_same_for_a_name_and_differs_between_names():
    assert images.signature_png("Trần Thị Bình") == images.signature_png("Trần  Thị Bình")
    assert images.signature_png("Trần Thị Bình") != images.signature_png("Trần Thị Bính")


def test_seal_image_is_a_red_transparent_disc_at_real_size():
    png = images.seal_png("Ủy ban nhân dân tỉnh Kiên Giang", place="Kiên Giang", diameter_mm=40)
    image = _rgba(png)

    assert images.real_size_pt(png) == pytest.approx((40 / 25.4 * 72, 40 / 25.4 * 72), abs=0.5)
    assert image.getpixel((0, 0))[3] == 0  # outside the circle
    centre = image.getpixel((image.width // 2, image.height // 2))
    assert centre[3] == 255 and centre[0] > 150 and centre[1] < 80  # the star: red
    inked = _opaque_pixels(image)
    assert all(r > g and r > b for r, g, b in inked)  # seed 000 Điều 5.2: red


def test_real_size_needs_a_resolution_tag():
    out = io.BytesIO()
    Image.new("RGBA", (100, 50)).save(out, format="PNG")
    with pytest.raises(ValueError):
        images.real_size_pt(out.getvalue())


# --- demo PKI ----------------------------------------------------------------------------------------------


def test_demo_pki_issues_seal_and_personal_keys_under_a_demo_root(unsigned_pdf):
    pki = build_demo_pki(
        [("000.00.00.H33", "Ủy ban nhân dân tỉnh Kiên Giang")],
        [("ubnd.lanhdao", "Trần Văn Minh", "Ủy ban nhân dân tỉnh Kiên Giang")],
        passphrase="mat-khau",
    )
    seal = load_pkcs12(pki.seals["000.00.00.H33"], "mat-khau")
    person = load_pkcs12(pki.personal["ubnd.lanhdao"], "mat-khau")

    assert "DEMO" in pki.root.subject.rfc4514_string() and "DEMO" in person.certificate.issuer.human_friendly
    assert isinstance(seal.private_key, ec.EllipticCurvePrivateKey) and seal.private_key.curve.name == "secp256r1"
    assert seal.certificate.key_usage_value.native == {"digital_signature"}
    assert isinstance(person.private_key, rsa.RSAPrivateKey) and person.private_key.key_size == 2048
    assert person.certificate.key_usage_value.native == {"digital_signature", "non_repudiation"}
    assert person.certificate.subject.native["common_name"] == "Trần Văn Minh"
    assert pki.root_pem.startswith(b"-----BEGIN CERTIFICATE-----")
    with pytest.raises(WrongPin):
        load_pkcs12(pki.personal["ubnd.lanhdao"], "sai")

    signed = sign_with(unsigned_pdf, person.pdf_signer())
    signed = sign_with(signed, seal.pdf_signer(), field="ChuKyToChuc", box=(306, 128, 406, 228))
    assert verify_pdf(signed, [pki.root_pem]).valid

"""PKCS#12 files and odd certificates for the key and credential tests, issued under the throwaway test PKI."""

from __future__ import annotations

import datetime as dt
import io

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle

from tests.signing.factories import PERSONAL_BOX, Issued, TestPKI, _name
from tests.timeline import validity

PIN = "246810"


def p12_of(issued: Issued, pki: TestPKI, pin: str = PIN, *, chain: bool = True) -> bytes:
    """The certificate and key as a PKCS#12 file protected by `pin`, with the CA chain when `chain`."""
    cas = [pki.intermediate.cert, pki.root.cert] if chain else None
    encryption = serialization.BestAvailableEncryption(pin.encode()) if pin else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(b"test", issued.key, issued.cert, cas, encryption)


def issue(
    pki: TestPKI,
    common_name: str,
    *,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    digital_signature: bool = True,
    non_repudiation: bool = False,
    key_usage: bool = True,
) -> Issued:
    """An end-entity certificate from the test intermediate with the validity and key usage asked for."""
    start, end = validity(365)  # valid at the frozen clock and on the wall clock alike
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, "UBND TỈNH HÀ GIANG"))
        .issuer_name(pki.intermediate.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or start)
        .not_valid_after(not_after or end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if key_usage:
        usage = x509.KeyUsage(
            digital_signature=digital_signature,
            content_commitment=non_repudiation,
            key_encipherment=not (digital_signature or non_repudiation),
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=False,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        )
        builder = builder.add_extension(usage, critical=True)
    return Issued(key, builder.sign(pki.intermediate.key, hashes.SHA256()))


def sign_with(data: bytes, signer: signers.Signer, field: str = "ChuKyCaNhan", box=PERSONAL_BOX) -> bytes:
    """A visible (ASCII text) PAdES approval signature with the given pyHanko signer, as an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    out = io.BytesIO()
    signers.PdfSigner(
        meta,
        signer=signer,
        # ASCII stamp text: the default appearance font (Courier, WinAnsi) cannot show Vietnamese names.
        stamp_style=TextStampStyle(stamp_text="Ky so: %(ts)s", border_width=0),
        new_field_spec=fields.SigFieldSpec(sig_field_name=field, on_page=-1, box=box),
    ).sign_pdf(writer, output=out)
    return out.getvalue()

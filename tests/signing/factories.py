"""A throwaway PKI and signed test PDFs, built in memory (no files, no network).

Shaped like the Vietnamese hierarchy (national root → government CA → subscribers, spec/signing.md §1): a root,
an intermediate, a leader's personal certificate (digitalSignature + nonRepudiation, RSA-2048 as most issued
tokens are) and an agency seal certificate (digitalSignature only, ECDSA P-256). A second, unconfigured root
issues a look-alike seal. End-entity certificates name a CRL location that is never fetched, as real ones do.

Shared by tests/signing and bench/signing.py. The page text is ASCII (Times-Roman, WinAnsi) because no font
engine for embedded Vietnamese fonts is installed; the document title in /Info is Vietnamese.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tests.timeline import validity

CRL_URL = "http://crl.test.invalid/root.crl"  # never fetched: verification is offline
A4 = (0, 0, 595.28, 841.89)
PERSONAL_FIELD = "ChuKyCaNhan"
SEAL_FIELD = "ChuKyToChuc"
PERSONAL_BOX = (360, 150, 500, 206)
SEAL_BOX = (306, 128, 406, 228)  # over the left third of the personal signature, as a real seal sits


@dataclass(frozen=True)
class Issued:
    key: object
    cert: x509.Certificate

    @property
    def asn1_cert(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))

    @property
    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        der = self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return asn1_keys.PrivateKeyInfo.load(der)

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class TestPKI:
    __test__ = False

    root: Issued
    intermediate: Issued
    person: Issued  # digitalSignature + nonRepudiation
    seal: Issued  # digitalSignature only
    encryption_only: Issued  # keyEncipherment only: may not sign
    rogue_root: Issued  # not configured anywhere
    rogue_seal: Issued  # same subject as `seal`, issued by the rogue root
    tsa: Issued  # RSA: pyHanko's DummyTimeStamper signs with RSA only

    @property
    def trust_roots(self) -> list[x509.Certificate]:
        return [self.root.cert]


def _name(cn: str, org: str | None = None, title: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    if title:
        attrs.append(x509.NameAttribute(NameOID.TITLE, title))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _key(kind: str):
    return rsa.generate_private_key(65537, 2048) if kind == "rsa" else ec.generate_private_key(ec.SECP256R1())


_NO_USAGE = dict.fromkeys(
    (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ),
    False,
)


def _issue(subject: x509.Name, issuer: Issued | None, *, key_kind="ec", ca=False, usage=(), eku=None) -> Issued:
    key = _key(key_kind)
    issuer_key = issuer.key if issuer else key
    issuer_name = issuer.cert.subject if issuer else subject
    start, end = validity(3650 if ca else 730)  # valid at the frozen clock and on the wall clock alike
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**{**_NO_USAGE, **dict.fromkeys(usage, True)}), critical=True)
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    if not ca:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(CRL_URL)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return Issued(key, builder.sign(issuer_key, hashes.SHA256()))


def build_test_pki() -> TestPKI:
    ca_usage = ("key_cert_sign", "crl_sign")
    root = _issue(_name("Test Root CA (throwaway)", "Test PKI"), None, ca=True, usage=ca_usage)
    intermediate = _issue(_name("Test Government CA (throwaway)", "Test PKI"), root, ca=True, usage=ca_usage)
    agency = "UBND TỈNH HÀ GIANG"
    person = _issue(
        _name("Nguyễn Văn An", agency, "Chủ tịch"),
        intermediate,
        key_kind="rsa",
        usage=("digital_signature", "content_commitment"),
    )
    seal = _issue(_name(agency, agency), intermediate, usage=("digital_signature",))
    encryption_only = _issue(_name("Trần Thị Bình", agency), intermediate, usage=("key_encipherment",))
    rogue_root = _issue(_name("Rogue Root CA", "Rogue"), None, ca=True, usage=ca_usage)
    rogue_seal = _issue(_name(agency, agency), rogue_root, usage=("digital_signature",))
    tsa = _issue(
        _name("Test TSA (throwaway)", "Test PKI"),
        root,
        key_kind="rsa",
        usage=("digital_signature",),
        eku=[ExtendedKeyUsageOID.TIME_STAMPING],
    )
    return TestPKI(root, intermediate, person, seal, encryption_only, rogue_root, rogue_seal, tsa)


# --- documents ------------------------------------------------------------------------------------------

DEFAULT_LINES = (
    "UY BAN NHAN DAN TINH HA GIANG",
    "So: 54/UBND-VP",
    "V/v trien khai he thong quan ly van ban va dieu hanh",
    "Kinh gui: Cac so, ban, nganh thuoc tinh",
)


def _escape(text: str) -> bytes:
    return text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def page_content(lines) -> bytes:
    shown = b" ".join(b"(" + _escape(line) + b") '" for line in lines)
    return b"BT /F1 13 Tf 16 TL 56 800 Td " + shown + b" ET"


def make_pdf(title: str = "Công văn số 54/UBND-VP", lines=DEFAULT_LINES, pages: int = 1) -> bytes:
    """An unsigned A4 PDF written by pyHanko's own writer (no PDF library beyond pyHanko is installed)."""
    writer = PdfFileWriter(stream_xrefs=False)
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Times-Roman"),
                generic.pdf_name("/Encoding"): generic.pdf_name("/WinAnsiEncoding"),
            }
        )
    )
    resources = generic.DictionaryObject(
        {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): font})}
    )
    for number in range(pages):
        text = [*lines, f"Trang {number + 1}/{pages}"]
        contents = writer.add_object(generic.StreamObject(stream_data=page_content(text)))
        writer.insert_page(PageObject(contents, A4, resources))
    writer.document_meta.title = title
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signer_for(issued: Issued, pki: TestPKI) -> signers.SimpleSigner:
    chain = [pki.intermediate.asn1_cert, pki.root.asn1_cert]
    if issued is pki.rogue_seal:
        chain = [pki.rogue_root.asn1_cert]
    return signers.SimpleSigner(
        signing_cert=issued.asn1_cert,
        signing_key=issued.asn1_key,
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def sign(data: bytes, issued: Issued, pki: TestPKI, field: str, box=PERSONAL_BOX, timestamper=None) -> bytes:
    """Add a visible PAdES approval signature as an incremental update (spec/signing.md §2)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer_for(issued, pki),
        # ASCII stamp text: the default appearance font (Courier, WinAnsi) cannot show Vietnamese names.
        stamp_style=TextStampStyle(stamp_text="Ky so: %(ts)s", border_width=0),
        new_field_spec=fields.SigFieldSpec(sig_field_name=field, on_page=-1, box=box),
        timestamper=timestamper,
    )
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


def sign_personal_then_seal(data: bytes, pki: TestPKI) -> bytes:
    """The NĐ 30/2020 pair: the leader's signature, then the clerk's agency seal in a later revision."""
    personal = sign(data, pki.person, pki, PERSONAL_FIELD)
    return sign(personal, pki.seal, pki, SEAL_FIELD, box=SEAL_BOX)


def add_document_timestamp(data: bytes, pki: TestPKI) -> bytes:
    """Append a PAdES document timestamp (what a B-LTA archive update adds after the signatures)."""
    stamper = signers.PdfTimeStamper(timestamper_for(pki))
    out = io.BytesIO()
    stamper.timestamp_pdf(IncrementalPdfFileWriter(io.BytesIO(data), strict=False), "sha256", output=out)
    return out.getvalue()


def timestamper_for(pki: TestPKI) -> DummyTimeStamper:
    return DummyTimeStamper(
        tsa_cert=pki.tsa.asn1_cert,
        tsa_key=pki.tsa.asn1_key,
        certs_to_embed=SimpleCertificateStore.from_certs([pki.root.asn1_cert]),
    )


def append_page(data: bytes, lines=("NOI DUNG THEM SAU KHI KY",)) -> bytes:
    """An incremental update adding a page: a change no signature allows."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    first_page = writer.root["/Pages"]["/Kids"][0].get_object()
    contents = writer.add_object(generic.StreamObject(stream_data=page_content(lines)))
    writer.insert_page(PageObject(contents, A4, first_page["/Resources"]))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def replace_page_content(data: bytes, lines) -> bytes:
    """An incremental update replacing page 1's text: the visible content changes after signing."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page_ref = writer.root["/Pages"].raw_get("/Kids")[0]
    page = page_ref.get_object()
    page[generic.pdf_name("/Contents")] = writer.add_object(generic.StreamObject(stream_data=page_content(lines)))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_empty_signature_field(data: bytes, name: str = "ChuKyThem") -> bytes:
    """An incremental update adding an unsigned signature field: pyHanko rates it FORM_FILLING."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    fields.append_signature_field(writer, fields.SigFieldSpec(name, box=(20, 20, 120, 60)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_validation_data(data: bytes, pki: TestPKI) -> bytes:
    """A PAdES B-LT update: the chain put into the document security store (DSS) after the last signature."""
    out = io.BytesIO(data)
    out.seek(0, io.SEEK_END)
    DocumentSecurityStore.add_dss(out, None, certs=[pki.intermediate.asn1_cert, pki.root.asn1_cert])
    return out.getvalue()

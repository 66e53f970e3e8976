"""What every edXML message shares (legal.md §4.2, §4.6): the namespace, the hardened parser, element helpers and
the date formats. `edxml` (packages), `edxml_status` (status messages), `edxml_limits` and `xmldsig` build on it.

The parser is hardened: no entity expansion, no network, no huge trees, and a DOCTYPE is refused outright, so an
XML bomb or an external entity never reaches the data (nor the signature check).
"""

from datetime import date, datetime

from lxml import etree

from app.core import clock
from app.core.errors import ValidationError

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
E = f"{{{NS}}}"
DATE_FORMAT = "%Y/%m/%d"  # emitted (legal.md §4.6)
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
# Accepted on input: the standard's form, and the dd/MM/yyyy some builders send (legal.md §4.6).
DATE_INPUTS = ("%Y/%m/%d", "%d/%m/%Y", "%Y-%m-%d")
TIMESTAMP_INPUTS = ("%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


class InvalidPackage(ValidationError):
    """The bytes are not an acceptable edXML message. `details` is a flat map: element path → message."""

    code = "invalid_edxml"
    status = 422
    message = "Gói tin edXML không hợp lệ."

    def __init__(self, message: str, details: dict[str, str] | None = None) -> None:
        super().__init__(message, details=details or {"package": message})


def parser() -> etree.XMLParser:
    """The hardened parser for every XML that comes from outside (packages, statuses, directory lists): no entity
    expansion, no network, no DTD, no huge trees — an XML bomb or an external entity never reaches the data."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_root(data: bytes):
    """The message's root element, parsed with the hardened parser; a DOCTYPE is refused, not just ignored."""
    if not data or not data.strip():
        raise InvalidPackage("Chưa có gói tin edXML.")
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data[:4096].upper():
        # Refused before lxml builds anything: a billion-laughs DOCTYPE never gets a chance to expand.
        raise InvalidPackage("Gói tin edXML không được chứa khai báo DOCTYPE/ENTITY.")
    try:
        root = etree.fromstring(data, parser=parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidPackage("Tệp không phải XML hợp lệ.") from exc
    if root.getroottree().docinfo.doctype:
        raise InvalidPackage("Gói tin edXML không được chứa khai báo DOCTYPE/ENTITY.")
    if root.tag != E + "edXML":
        raise InvalidPackage(f"Phần tử gốc phải là edXML thuộc không gian tên {NS}.")
    return root


def message_header(root):
    """edXMLEnvelope/edXMLHeader/MessageHeader, or InvalidPackage."""
    message = child(header_of(root), "MessageHeader")
    if message is None:
        raise InvalidPackage("Gói tin thiếu edXMLEnvelope/edXMLHeader/MessageHeader.")
    return message


def header_of(root):
    return child(child(root, "edXMLEnvelope"), "edXMLHeader")


def child(element, name: str):
    """A child in the edXML namespace, or without a namespace (AttachmentEncoded is written unprefixed)."""
    if element is None:
        return None
    found = element.find(E + name)
    return found if found is not None else element.find(name)


def children(element, name: str) -> list:
    if element is None:
        return []
    return element.findall(E + name) + element.findall(name)


def text(element, *path: str) -> str | None:
    for name in path:
        element = child(element, name)
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def iso_date(value: str | None, label: str, path: str = "package") -> str | None:
    """`yyyy/MM/dd` (the standard) or `dd/MM/yyyy` (seen in samples, legal.md §4.6) to ISO."""
    if not value:
        return None
    day = value.strip()[:10]
    for pattern in DATE_INPUTS:
        try:
            return datetime.strptime(day, pattern).date().isoformat()
        except ValueError:
            continue
    message = f"{label} “{value}” không đúng định dạng yyyy/MM/dd."
    raise InvalidPackage(message, {path: message})


def parse_timestamp(value: str | None, path: str) -> datetime | None:
    """A local `yyyy/MM/dd HH:mm:ss` (or `dd/MM/yyyy HH:mm:ss`) as an aware instant; a bare date is midnight."""
    if not value:
        return None
    stripped = value.strip()
    for pattern in TIMESTAMP_INPUTS + DATE_INPUTS:
        try:
            naive = datetime.strptime(stripped, pattern)
        except ValueError:
            continue
        return naive.replace(tzinfo=clock.LOCAL_TZ)
    message = f"{path} “{value}” không đúng định dạng yyyy/MM/dd HH:mm:ss."
    raise InvalidPackage(message, {path: message})


def edxml_date(value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and "/" in value:  # already in an edXML form: normalise dd/MM/yyyy too
        value = iso_date(value, "Ngày")
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day:{DATE_FORMAT}}"


def edxml_timestamp(value: datetime | None = None) -> str:
    """Local time of `value` (default now) in the edXML form."""
    return f"{clock.to_local(value or clock.now()):{TIMESTAMP_FORMAT}}"


def add(parent, name: str, value=None):
    element = etree.SubElement(parent, E + name)
    if value is not None:
        element.text = str(value)
    return element


def add_group(parent, name: str, pairs: list[tuple[str, object]]) -> None:
    """A group element with its non-empty children; left out altogether when every value is empty."""
    if any(value not in (None, "") for _, value in pairs):
        group = add(parent, name)
        for name_, value in pairs:
            if value not in (None, ""):
                add(group, name_, value)


def new_root():
    """edXML/edXMLEnvelope/edXMLHeader, the skeleton of every message; returns (root, envelope, header)."""
    root = etree.Element(E + "edXML", nsmap={None: NS})
    envelope = etree.SubElement(root, E + "edXMLEnvelope", nsmap={"edXML": NS})
    header = etree.SubElement(envelope, E + "edXMLHeader")
    return root, envelope, header


def serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

"""The archival package of a dossier: a SIP_hoso ZIP (TT 05/2025 Điều 3, 17 and Phụ lục III, an extension of E-ARK
CSIP — legal.md §3.2, third-party, to be checked against the official text), so records can move to a historical
archive (issue 12 point 6).

    METS.xml                                        the package: fileSec with every file's SHA-256, structMap
    metadata/descriptive/EAD.xml                    the hồ sơ (<simpledc>: fileCode, title, maintenance, mode …)
    metadata/descriptive/EAD_doc_<0000001>.xml      each tài liệu (docCode = fileCode + 7-digit ordinal, process …)
    representations/rep1/data/<fileCode>.<0000001>.<ext>            each document's file
    representations/rep1/data/<fileCode>.<0000001>.process.json     its processing history when none was filed
    manifest-sha256.txt                             "<sha256>  <path>" of every other member

Written member by member into a ZIP on disk, each file copied from the blob store in chunks (checked against its
SHA-256 on the way), never the whole archive in memory. `build_sip` is what the transfer and the archive call;
`verify_sip` re-checks a package's checksums.
"""

import hashlib
import json
import mimetypes
import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from lxml import etree

from app.core import clock
from app.core.db import db
from app.dossiers.closing import chronological
from app.dossiers.codes import doc_type_code, language_code
from app.dossiers.contents import CHUNK, item_file, metadata, verified_chunks
from app.dossiers.models import Dossier, DossierItem
from app.org.models import Agency

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
CSIP_PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
DATA = "representations/rep1/data"
MANIFEST = "manifest-sha256.txt"


@dataclass
class Member:
    path: str
    sha256: str
    size: int
    mimetype: str
    use: str  # METS fileGrp: "Representations/rep1" or "Metadata"
    ordinal: int | None = None


def now_iso() -> str:
    """ISO 8601 with the +07:00 offset (TT 05/2025)."""
    return clock.to_local(clock.now()).isoformat(timespec="seconds")


def doc_code(dossier: Dossier, ordinal: int) -> str:
    """Mã lưu trữ tài liệu: mã hồ sơ + số thứ tự tài liệu trong hồ sơ, 7 digits."""
    return f"{dossier.file_code}.{ordinal:07d}"


def _safe(name: str) -> str:
    return name.replace("/", "-").replace("\\", "-")


def build_sip(dossier: Dossier, out_path: str | os.PathLike) -> list[Member]:
    """Write the dossier's SIP to `out_path`; the members written. On failure (a file gone or damaged: 409
    `dossier_file_missing`) nothing is left at `out_path`."""
    out_path = Path(out_path)
    try:
        with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            return _write_package(zf, dossier)
    except BaseException:
        out_path.unlink(missing_ok=True)
        raise


def _write_package(zf: zipfile.ZipFile, dossier: Dossier) -> list[Member]:
    members: list[Member] = []
    items = chronological(list(dossier.items))
    histories = {(i.object_type, i.object_id) for i in items if i.kind == "history" and i.object_id is not None}
    doc_entries, filed_histories = [], {}
    for item in items:
        data_members = []
        found = item_file(item)
        if found is not None:
            ext = Path(found.filename).suffix.lstrip(".") or (
                (mimetypes.guess_extension(found.content_type) or ".bin").lstrip(".")
            )
            path = f"{DATA}/{_safe(doc_code(dossier, item.ordinal))}.{ext.lower()}"
            data_members.append(_write_stream(zf, path, verified_chunks(item, found), found.content_type, item.ordinal))
        has_history = item.kind == "history" or (item.object_type, item.object_id) in histories
        if not has_history and item.kind in ("incoming", "outgoing", "draft"):
            tasks = workflow_history(item)
            if tasks:
                path = f"{DATA}/{_safe(doc_code(dossier, item.ordinal))}.process.json"
                body = json.dumps(tasks, ensure_ascii=False, indent=2).encode()
                data_members.append(_write_bytes(zf, path, body, "application/json", item.ordinal))
                has_history = True
        members += data_members
        doc_entries.append((item, data_members, has_history))
        if item.kind == "history" and item.object_id is not None:
            filed_histories.setdefault((item.object_type, item.object_id), []).extend(data_members)
    for item, data_members, has_history in doc_entries:
        if item.kind != "history":  # the document's EAD_doc names its filed history file too
            data_members = data_members + filed_histories.get((item.object_type, item.object_id), [])
        body = _ead_doc(dossier, item, data_members, has_history)
        path = f"metadata/descriptive/EAD_doc_{item.ordinal:07d}.xml"
        members.append(_write_bytes(zf, path, body, "text/xml", item.ordinal, use="Metadata"))
    members.append(_write_bytes(zf, "metadata/descriptive/EAD.xml", _ead(dossier), "text/xml", use="Metadata"))
    mets = _write_bytes(zf, "METS.xml", _mets(dossier, members), "text/xml", use="Root")
    lines = "".join(f"{m.sha256}  {m.path}\n" for m in [*members, mets])
    _write_bytes(zf, MANIFEST, lines.encode(), "text/plain", use="Root")
    return [*members, mets]


def _write_stream(zf, path: str, chunks: Iterable[bytes], mimetype: str, ordinal=None, use="Representations/rep1"):
    sha, size = hashlib.sha256(), 0
    with zf.open(path, "w", force_zip64=True) as target:
        for chunk in chunks:
            sha.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return Member(path, sha.hexdigest(), size, mimetype, use, ordinal)


def _write_bytes(zf, path: str, data: bytes, mimetype: str, ordinal=None, use="Representations/rep1"):
    return _write_stream(zf, path, [data], mimetype, ordinal, use)


def workflow_history(item: DossierItem) -> list[dict]:
    """The document's processing (the workflow's human tasks: step, who, when, outcome, comment), oldest first — the
    "quy trình xử lý" file TT 05/2025 asks of documents processed in the System, when none was filed."""
    from app.workflow.models import HumanTask

    object_type, object_id = item.object_type, item.object_id
    if item.kind == "draft":
        from app.outgoing.models import OutgoingVersion

        version = db.session.get(OutgoingVersion, item.object_id)
        if version is None:
            return []
        object_type, object_id = "outgoing", version.document_id
    tasks = db.session.scalars(
        sa.select(HumanTask)
        .where(HumanTask.object_type == object_type, HumanTask.object_id == str(object_id))
        .order_by(HumanTask.created_at, HumanTask.id)
    )

    def iso(instant):
        return clock.to_local(instant).isoformat(timespec="seconds") if instant else None

    rows = []
    for task in tasks:
        who = task.completed_by or task.assignee
        rows.append(
            {
                "step": task.title,
                "task": task.task_name,
                "role": task.role,
                "who": who.full_name if who is not None else None,
                "created": iso(task.created_at),
                "completed": iso(task.completed_at),
                "state": task.state,
                "outcome": task.outcome,
                "comment": task.comment,
            }
        )
    return rows


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent, name: str, value) -> None:
    etree.SubElement(parent, name).text = "" if value is None else str(value)


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _ead(dossier: Dossier) -> bytes:
    """The hồ sơ element set (TT 05/2025 EAD.xml, legal.md §3.2)."""
    root = etree.Element("simpledc")
    _sub(root, "fileCode", dossier.file_code)
    _sub(root, "title", dossier.title)
    _sub(root, "maintenance", dossier.maintenance)
    _sub(root, "mode", dossier.rights)
    _sub(root, "language", dossier.language or "01")
    _sub(root, "startDate", _date(dossier.start_date))
    _sub(root, "endDate", _date(dossier.end_date))
    _sub(root, "keyword", dossier.keywords)
    _sub(root, "totalDoc", dossier.doc_total)
    _sub(root, "numberOfPage", dossier.page_total)
    _sub(root, "inforSign", dossier.notation)
    _sub(root, "confidenceLevel", "01")  # born digital in this System
    _sub(root, "riskRecovery", "0")
    _sub(root, "description", dossier.description)
    return _xml(root)


def _ead_doc(dossier: Dossier, item: DossierItem, files: list[Member], has_history: bool) -> bytes:
    """One tài liệu (TT 05/2025 EAD_doc.xml): process = 1 when its processing-history file is in the package."""
    meta = metadata(item)
    root = etree.Element("simpledc")
    _sub(root, "docId", f"{dossier.file_code}.{item.ordinal}")
    _sub(root, "docCode", doc_code(dossier, item.ordinal))
    _sub(root, "maintenance", dossier.maintenance)
    _sub(root, "typeName", doc_type_code(meta.type_name))
    _sub(root, "codeNumber", meta.code_number)
    _sub(root, "codeNotation", meta.code_notation)
    _sub(root, "issuedDate", _date(meta.issued_date))
    _sub(root, "organName", meta.organ_name)
    _sub(root, "subject", meta.subject)
    _sub(root, "language", language_code(meta.language))
    _sub(root, "numberOfPage", meta.page_amount)
    _sub(root, "keyword", None)
    _sub(root, "mode", dossier.rights)
    _sub(root, "confidenceLevel", "01")
    _sub(root, "format", "01")
    _sub(root, "riskRecovery", "0")
    _sub(root, "process", "1" if has_history else "0")
    _sub(root, "description", meta.description)
    for member in files:
        _sub(root, "file", member.path)
    return _xml(root)


def _mets(dossier: Dossier, members: list[Member]) -> bytes:
    """The package's METS: every file with its SHA-256 (CHECKSUMTYPE="SHA-256"), the EAD as dmdSec."""
    m, x = f"{{{METS_NS}}}", f"{{{XLINK_NS}}}"
    created = now_iso()
    agency = db.session.get(Agency, dossier.agency_id)
    root = etree.Element(
        m + "mets",
        nsmap={"mets": METS_NS, "xlink": XLINK_NS},
        OBJID=dossier.file_code,
        TYPE="SIP_hoso",
        LABEL=dossier.title[:250],
        PROFILE=CSIP_PROFILE,
    )
    header = etree.SubElement(root, m + "metsHdr", CREATEDATE=created, RECORDSTATUS="NEW")
    agent = etree.SubElement(header, m + "agent", ROLE="CREATOR", TYPE="ORGANIZATION")
    etree.SubElement(agent, m + "name").text = agency.name
    etree.SubElement(agent, m + "note").text = agency.code
    ead = next(mb for mb in members if mb.path == "metadata/descriptive/EAD.xml")
    dmd = etree.SubElement(root, m + "dmdSec", ID="dmd-ead", CREATED=created)
    etree.SubElement(
        dmd,
        m + "mdRef",
        {x + "type": "simple", x + "href": ead.path},
        LOCTYPE="URL",
        MDTYPE="OTHER",
        OTHERMDTYPE="EAD",
        MIMETYPE=ead.mimetype,
        SIZE=str(ead.size),
        CHECKSUM=ead.sha256,
        CHECKSUMTYPE="SHA-256",
    )
    file_sec = etree.SubElement(root, m + "fileSec")
    groups = {}
    for number, member in enumerate(members, start=1):
        if member.use not in groups:
            groups[member.use] = etree.SubElement(file_sec, m + "fileGrp", USE=member.use)
        entry = etree.SubElement(
            groups[member.use],
            m + "file",
            ID=f"file-{number}",
            MIMETYPE=member.mimetype,
            SIZE=str(member.size),
            CREATED=created,
            CHECKSUM=member.sha256,
            CHECKSUMTYPE="SHA-256",
        )
        etree.SubElement(entry, m + "FLocat", {x + "type": "simple", x + "href": member.path}, LOCTYPE="URL")
    struct = etree.SubElement(root, m + "structMap", TYPE="PHYSICAL", LABEL="CSIP")
    top = etree.SubElement(struct, m + "div", LABEL=dossier.file_code)
    etree.SubElement(top, m + "div", LABEL="Metadata", DMDID="dmd-ead")
    rep = etree.SubElement(top, m + "div", LABEL="Representations/rep1")
    for number, member in enumerate(members, start=1):
        if member.use == "Representations/rep1":
            etree.SubElement(rep, m + "fptr", FILEID=f"file-{number}")
    return _xml(root)


def verify_sip(path: str | os.PathLike) -> list[str]:
    """The problems of a package: a file METS or the manifest names that is missing or whose SHA-256 differs, a member
    neither lists. Empty: intact."""
    problems = []
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        if "METS.xml" not in names:
            return ["Thiếu METS.xml."]
        mets = etree.fromstring(zf.read("METS.xml"))
        listed = {}
        for entry in mets.iter(f"{{{METS_NS}}}file"):
            location = entry.find(f"{{{METS_NS}}}FLocat")
            href = location.get(f"{{{XLINK_NS}}}href") if location is not None else None
            if not href:
                problems.append(f"{entry.get('ID')}: thiếu FLocat trong METS.")
                continue
            listed[href] = entry.get("CHECKSUM")
            if entry.get("CHECKSUMTYPE") != "SHA-256":
                problems.append(f"{href}: CHECKSUMTYPE không phải SHA-256.")
        manifest = {}
        if MANIFEST in names:
            for line in zf.read(MANIFEST).decode().splitlines():
                digest, _, member = line.partition("  ")
                manifest[member] = digest
        else:
            problems.append(f"Thiếu {MANIFEST}.")
        for source, expected in [("METS", listed), ("manifest", manifest)]:
            for member, digest in expected.items():
                if member not in names:
                    problems.append(f"{member}: có trong {source} nhưng không có trong gói.")
                elif _member_sha(zf, member) != digest:
                    problems.append(f"{member}: mã SHA-256 không khớp {source}.")
        for member in names - set(listed) - {"METS.xml", MANIFEST}:
            problems.append(f"{member}: không có trong METS.")
    return problems


def _member_sha(zf: zipfile.ZipFile, name: str) -> str:
    sha = hashlib.sha256()
    with zf.open(name) as source:
        while chunk := source.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()

"""Helpers of the archive tests: a closed dossier with real bytes in the blob store, an archived one."""

from datetime import date

from flask import current_app

from app.core.db import db
from app.dossiers import filing, transfer
from app.dossiers.states import DossierStatus
from tests.dossiers.conftest import make_dossier


def store():
    return current_app.extensions["qlvb.blobs"]


def closed_dossier(owner, *, notation="01.TH", content=b"noi dung tai lieu", end_date=date(2026, 6, 30), **values):
    """An open dossier with one uploaded file, then closed as the closing service would leave it."""
    dossier = make_dossier(owner, notation=notation, **values)
    digest = store().put(content)
    filing.file_content(
        owner,
        dossier,
        sha256=digest,
        filename="bien-ban.pdf",
        content_type="application/pdf",
        size=len(content),
        subject="Biên bản họp",
        pages=3,
    )
    dossier.status, dossier.end_date = DossierStatus.CLOSED, end_date
    db.session.flush()
    return dossier


def archived_dossier(office, *, notation="01.TH", content=b"noi dung tai lieu", **values):
    """A dossier submitted by spec_a1 and accepted by the archivist (expires_on computed)."""
    dossier = closed_dossier(office.spec_a1, notation=notation, content=content, **values)
    sent = transfer.submit(office.spec_a1, [dossier.id], name="Hồ sơ năm 2026")
    [entry] = sent.entries
    transfer.accept(office.archivist, sent.id, entry.id)
    db.session.flush()
    return dossier

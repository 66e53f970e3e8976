"""Files a form attaches to a case are named by a row (CaseFile), so the orphan-blob sweep keeps them."""

import io

import sqlalchemy as sa

from app.core.db import db
from app.maintenance import referenced_blobs, sweep_orphan_blobs
from app.workflow.definitions import sync_processes
from app.workflow.models import CaseFile, WorkflowInstance
from tests.conftest import csrf_token, login
from tests.core.test_blob_sweep import age


def test_the_job_keeps_a_case_s_attached_file_and_removes_a_refused_one(app, client, office):
    sync_processes()
    store = app.extensions["qlvb.blobs"]
    login(client, "lanhdao")
    token = csrf_token(client, "/cases/new/work_assignment")
    refused = client.post(  # the title is too short: the form comes back, its file was already stored
        "/cases/new/work_assignment",
        data={"csrf_token": token, "tieu_de": "Báo", "tai_lieu": (io.BytesIO(b"bo di"), "bo-di.txt")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    started = client.post(
        "/cases/new/work_assignment",
        data={
            "csrf_token": token,
            "tieu_de": "Báo cáo tình hình biên chế năm 2026",
            "don_vi_chu_tri": str(office.unit_a.id),
            "tai_lieu": (io.BytesIO(b"so lieu"), "so-lieu.txt"),
        },
        content_type="multipart/form-data",
    )
    assert started.status_code == 302
    instance = db.session.scalar(sa.select(WorkflowInstance).order_by(WorkflowInstance.id.desc()))
    [attached] = db.session.scalars(sa.select(CaseFile).where(CaseFile.instance_id == instance.id))
    assert attached.name == "so-lieu.txt" and store.read(attached.sha256) == b"so lieu"
    orphan = store.put(b"bo di")  # the refused form's file (the same bytes: the same name)
    for digest in (attached.sha256, orphan):
        age(store, digest, days=2)
    assert referenced_blobs([attached.sha256, orphan]) == {attached.sha256}

    assert sweep_orphan_blobs() >= 1
    assert store.exists(attached.sha256) and not store.exists(orphan)

"""The whole procedure through the pages, each step its own request in a worker that parsed the process anew
(gunicorn runs several; a restart comes between two steps), with a coordinating unit and a person informed.

Found in a browser walk-through: with two workers, the opinion and the confirmation were completed but their
multi-instance parents never heard of it, and the document stayed "Đang xử lý" for good."""

import sqlalchemy as sa

from app.core.db import db
from app.incoming.models import IncomingStatus
from app.workflow import engine
from app.workflow.models import HumanTask, WorkflowInstance
from tests.conftest import csrf_token, login
from tests.incoming.test_printing import Procedure, at
from tests.workflow.conftest import open_tasks


def finish(app, username, task, data, outcome=None):
    engine._cache.clear()  # this request is served by a worker that has not seen the process before
    client = app.test_client()  # each person in a browser of their own
    login(client, username)
    form = {"csrf_token": csrf_token(client, f"/tasks/{task.id}"), **data}
    if outcome:
        form["outcome"] = outcome
    response = client.post(f"/tasks/{task.id}/complete", data=form)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]


def test_side_steps_done_last_still_complete_the_document(app, client, incoming_office, signed_pdf, frozen_clock):
    office = incoming_office
    procedure = Procedure(office, frozen_clock, signed_pdf).register(when=at(23))
    [direct] = open_tasks(procedure.instance)
    finish(
        app,
        "lanhdao",
        direct,
        {
            "y_kien_chi_dao": "Giao Phòng Tổng hợp tham mưu",
            "lead_unit_id": str(office.unit_a.id),
            "coordinate_unit_ids": str(office.unit_b.id),
            "inform_user_ids": str(office.spec_a2.id),
        },
    )
    tasks = {t.task_name: t for t in open_tasks(procedure.instance)}
    finish(app, "truongphong", tasks["assign_specialist"], {"lead_user_id": str(office.spec_a1.id)})
    tasks = {t.task_name: t for t in open_tasks(procedure.instance)}
    # In the order the walk-through used: the opinion before the handling, the confirmation last.
    finish(app, "cv.b", tasks["give_opinion"], {"y_kien_phoi_hop": "Thống nhất"})
    finish(app, "cv.a1", tasks["handle_document"], {"ket_qua": "Đã tham mưu"}, "hoan_thanh")
    finish(app, "cv.a2", tasks["confirm_read"], {}, "da_doc")
    db.session.expire_all()
    instance = db.session.get(WorkflowInstance, procedure.instance.id)
    states = db.session.execute(
        sa.select(HumanTask.task_name, HumanTask.state).where(HumanTask.instance_id == instance.id)
    ).all()
    assert open_tasks(instance) == [], states
    assert instance.status == "completed", (instance.status, states)
    db.session.refresh(procedure.document)
    assert procedure.document.status == IncomingStatus.COMPLETED

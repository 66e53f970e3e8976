"""The designer's process list: what each process of the agency runs on and how many cases are open on it."""

from app.designer import queries
from tests.conftest import login


def test_the_agency_runs_the_global_versions_until_it_deploys_its_own(design_office):
    overview = {p.process_id: p for p in queries.process_overview(design_office.agency.id)}
    assert {"incoming", "outgoing", "dossier"} <= set(overview)
    incoming = overview["incoming"]
    assert incoming.current.agency_id is None and incoming.own_versions == 0 and incoming.running == 0


def test_only_designers_open_the_designer(app, client, design_office):
    login(client, "lanhdao.snv")
    assert client.get("/designer").status_code == 403
    designer = app.test_client()
    login(designer, "thietke")
    page = designer.get("/designer")
    assert page.status_code == 200 and "Xử lý văn bản đến" in page.get_data(as_text=True)

"""Filing through the pages: "Thêm văn bản" (search the documents one sees, file one) and the "Hồ sơ" panel of an
incoming document's page ("Lưu vào hồ sơ"); a document one cannot see is refused."""

import pytest

from app.core.db import db
from app.dossiers.models import Dossier
from tests.conftest import csrf_token, login
from tests.dossiers.conftest import make_dossier
from tests.incoming.conftest import incoming_office, pki, signed_pdf, trusted  # noqa: F401  (fixtures)
from tests.incoming.test_printing import Procedure, at


@pytest.fixture
def directed(incoming_office, signed_pdf, frozen_clock):  # noqa: F811  (the imported fixtures)
    procedure = Procedure(incoming_office, frozen_clock, signed_pdf)
    procedure.register(when=at(23)).direct(at(23, 10), lead_unit_id=incoming_office.unit_a.id)
    return procedure.document


def test_the_add_page_finds_a_visible_document_and_files_it(client, incoming_office, directed):  # noqa: F811
    dossier = make_dossier(incoming_office.spec_a1)
    login(client, "cv.a1")
    page = client.get(f"/dossiers/{dossier.id}/add?q=bi%C3%AAn+ch%E1%BA%BF").get_data(as_text=True)
    assert "123/SNV-TCBC" in page and "Lưu văn bản" in page
    token = csrf_token(client, f"/dossiers/{dossier.id}/add")
    filed = client.post(
        f"/dossiers/{dossier.id}/items", data={"csrf_token": token, "kind": "incoming", "object_id": directed.id}
    )
    assert filed.status_code == 302
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert f'href="/incoming/{directed.id}"' in page and "123/SNV-TCBC" in page  # the item links to its page


def test_the_incoming_page_files_into_one_of_my_open_dossiers(client, incoming_office, directed):  # noqa: F811
    office = incoming_office
    dossier = make_dossier(office.spec_a1, title="Hồ sơ biên chế năm 2027")
    login(client, "cv.a1")
    page = client.get(f"/incoming/{directed.id}").get_data(as_text=True)
    assert 'data-testid="dossier-panel"' in page and "Lưu vào hồ sơ" in page
    token = csrf_token(client, f"/incoming/{directed.id}")
    filed = client.post(
        "/dossiers/file",
        data={
            "csrf_token": token,
            "dossier_id": dossier.id,
            "kind": "incoming",
            "object_id": directed.id,
            "document_kind": "incoming",
            "document_id": directed.id,
        },
    )
    assert filed.status_code == 302 and filed.headers["Location"].endswith(f"/incoming/{directed.id}")
    page = client.get(f"/incoming/{directed.id}").get_data(as_text=True)
    assert "000.00.00.H33.2026.01.TH" in page and "Lưu vào hồ sơ" not in page  # held; no other open dossier
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).doc_total == 1


def test_no_panel_without_dossiers_and_a_hidden_document_is_refused(client, incoming_office, directed):  # noqa: F811
    office = incoming_office
    login(client, "cv.a2")
    assert 'data-testid="dossier-panel"' not in client.get(f"/incoming/{directed.id}").get_data(as_text=True)
    dossier = make_dossier(office.spec_b, notation="01.KT")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "cv.b")
    token = csrf_token(client, "/dossiers")
    refused = client.post(
        f"/dossiers/{dossier.id}/items", data={"csrf_token": token, "kind": "incoming", "object_id": directed.id}
    )
    assert refused.status_code == 404  # not hers to see: no hint it exists
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).doc_total == 0

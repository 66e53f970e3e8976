"""The registers page shows each outgoing register's numbering template: how its numbers and notations read."""

from app.documents import services
from app.documents.symbols import sample_code
from tests.conftest import login


def test_sample_codes_follow_nd_30():
    assert sample_code("UBND", "QĐ", normative=False, year=2026) == "01/QĐ-UBND"
    assert sample_code("HĐND", "NQ", normative=True, year=2026) == "01/2026/NQ-HĐND"
    assert sample_code("STC", None, normative=False, year=2026) == "01/STC-…"


def test_registers_page_shows_the_template(client, admin, frozen_clock):
    services.default_register(admin.agency_id, "outgoing")
    services.default_register(admin.agency_id, "incoming")
    login(client, "admin1")
    html = client.get("/registers").get_data(as_text=True)
    abbreviation = admin.agency.abbreviation
    assert "Mẫu số, ký hiệu" in html
    sample = html.split('data-testid="sample-DI"')[1].split("</td>")[0]
    assert f"-{abbreviation}</code>" in sample
    assert "(số đến)" in html.split('data-testid="sample-DEN"')[1].split("</td>")[0]

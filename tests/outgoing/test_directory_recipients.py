"""The recipient picker of the drafting form: outside agencies named by their code alone take their name from the
agency directory (danh bạ liên thông); a code the directory does not know is a warning, not a refusal."""

import pytest

from app.core.errors import ValidationError
from app.exchange import directory
from app.outgoing.forms import external_recipients
from app.outgoing.metadata import UNREACHABLE_WARNING, external_warnings
from app.outgoing.models import RecipientKind
from tests.conftest import csrf_token, login
from tests.outgoing.conftest import new_draft


@pytest.fixture
def known(outgoing_office):
    directory.add_entry(None, code="000.00.00.G22", name="Văn phòng Chính phủ")
    old = directory.add_entry(None, code="H61", name="UBND tỉnh Bình Dương")
    directory.add_entry(None, code="000.00.00.H29", name="UBND Thành phố Hồ Chí Minh")
    directory.merge_entry(None, old.id, "000.00.00.H29")
    return outgoing_office


def externals(document) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in document.recipients if r.kind == RecipientKind.EXTERNAL]


def test_a_code_alone_takes_its_name_from_the_directory(known, draft_bytes):
    lines = external_recipients("000.00.00.g22\nH61 |\nG35.1 | Cơ quan tự ghi")
    document = new_draft(known, draft_bytes, recipients_external=lines)
    assert externals(document) == [
        ("000.00.00.G22", "Văn phòng Chính phủ"),
        ("H61", "UBND tỉnh Bình Dương"),
        ("G35.1", "Cơ quan tự ghi"),
    ]
    assert external_warnings(document) == [f"{UNREACHABLE_WARNING} (G35.1 – Cơ quan tự ghi)."]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("abc | Cơ quan ghi sai mã", "Mã định danh ABC không hợp lệ"),
        ("000.00.00.H33 | Chính mình", "Không gửi văn bản cho chính cơ quan ban hành."),
    ],
)
def test_a_bad_or_own_code_is_refused(known, draft_bytes, line, expected):
    """A walk saved "abc" as a code and the drafting agency as an outside recipient of its own document."""
    code = known.agency.code if "H33" in line else None
    line = line.replace("000.00.00.H33", code) if code else line
    with pytest.raises(ValidationError) as err:
        new_draft(known, draft_bytes, recipients_external=external_recipients(line))
    assert err.value.details["recipients_external"].startswith(expected)


def test_an_unknown_code_without_a_name_asks_for_the_name(known, draft_bytes):
    with pytest.raises(ValidationError) as err:
        new_draft(known, draft_bytes, recipients_external=external_recipients("000.00.00.H01"))
    assert "chưa có trong danh bạ liên thông" in err.value.details["recipients_external"]


def test_the_picker_suggests_and_the_form_warns(known, draft_bytes, client):
    login(client, known.spec_a1.username)
    found = client.get("/exchange/directory/suggest?q=ho chi minh").json
    assert [(f["code"], f["resolves_to"]) for f in found] == [("000.00.00.H29", None)]
    assert client.get("/exchange/directory/suggest?q=binh duong").json[0]["resolves_to"] == "000.00.00.H29"
    document = new_draft(known, draft_bytes)
    page = client.get(f"/outgoing/{document.id}/edit").get_data(as_text=True)
    assert 'data-directory-picker="/exchange/directory/suggest"' in page
    token = csrf_token(client, f"/outgoing/{document.id}/edit")
    form = {
        "csrf_token": token,
        "type_code": "CV",
        "subject": document.subject,
        "urgency": "thuong",
        "drafting_unit_id": str(known.unit_a.id),
        "signer_id": str(known.leader.id),
        "signer_title": "Chủ tịch",
        "recipients_external": "000.00.00.G22\nH01.9 | Cơ quan chưa có",
    }
    answer = client.post(f"/outgoing/{document.id}/edit", data=form, follow_redirects=True)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html[:2000]
    assert "Cơ quan chưa có trong danh bạ liên thông: sẽ xuất gói tin để gửi thủ công (H01.9 – Cơ quan chưa có)" in html

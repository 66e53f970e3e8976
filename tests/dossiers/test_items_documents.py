"""Filing incoming documents into dossiers: linked, not copied; one document in two people's dossiers; only a
document the person may see (NĐ 30/2020 Phụ lục VI III.4.b–e; seed 000 Điều 19.2.b)."""

import pytest

from app.core.errors import Conflict, NotFound
from app.dossiers import filing, items
from app.dossiers.models import DossierItem
from app.dossiers.states import DossierStatus
from tests.dossiers.conftest import make_dossier
from tests.incoming.conftest import incoming_office, pki, signed_pdf, trusted  # noqa: F401  (fixtures)
from tests.incoming.test_printing import Procedure, at


@pytest.fixture
def directed(incoming_office, signed_pdf, frozen_clock):  # noqa: F811  (the imported fixtures)
    """A registered incoming document directed to Phòng Tổng hợp: its people see it, Phòng Kinh tế does not."""
    procedure = Procedure(incoming_office, frozen_clock, signed_pdf)
    procedure.register(when=at(23)).direct(at(23, 10), lead_unit_id=incoming_office.unit_a.id)
    return procedure.document


def test_an_incoming_document_is_filed_with_what_the_index_of_documents_shows(incoming_office, directed):  # noqa: F811
    office = incoming_office
    dossier = make_dossier(office.spec_a1)
    item = items.file_document(office.spec_a1, dossier.id, "incoming", directed.id)
    assert (item.ordinal, item.kind, item.object_type, item.object_id) == (1, "incoming", "incoming", directed.id)
    assert item.code_notation == "123/SNV-TCBC"
    assert item.subject == "Công văn Về việc báo cáo số lượng biên chế công chức năm 2027"
    assert (item.author, item.pages, item.sha256) == ("Sở Nội vụ tỉnh Kiên Giang", directed.page_count, None)
    assert (dossier.doc_total, dossier.page_total) == (1, directed.page_count) and directed.page_count > 0
    assert directed.file_code == dossier.file_code and directed.doc_ordinal == 1  # Phụ lục VI Phần II.II 1–2
    with pytest.raises(Conflict) as twice:
        items.file_document(office.spec_a1, dossier.id, "incoming", directed.id)
    assert twice.value.code == "item_exists"


# Phụ lục VI III.4.e: "một văn bản có thể thuộc nhiều hồ sơ … của nhiều người"
def test_one_document_in_the_dossiers_of_two_people(incoming_office, directed):  # noqa: F811
    office = incoming_office
    mine = make_dossier(office.spec_a1, notation="01.TH")
    hers = make_dossier(office.spec_a2, notation="02.TH")
    first = items.file_document(office.spec_a1, mine.id, "incoming", directed.id)
    second = items.file_document(office.spec_a2, hers.id, "incoming", directed.id)
    assert first.id != second.id and (first.ordinal, second.ordinal) == (1, 1)
    assert [d.id for d in filing.holding_dossiers("incoming", directed.id)] == [mine.id, hers.id]
    panel = items.document_panel(office.spec_a1, "incoming", directed.id)
    assert [d.id for d in panel.holding] == [mine.id]  # hers is not for spec_a1 to see
    assert panel.open_mine == []  # her only open dossier holds it already
    items.remove(office.spec_a1, mine.id, first.id)
    assert [d.id for d in filing.holding_dossiers("incoming", directed.id)] == [hers.id]


def test_a_document_the_person_cannot_see_is_refused_as_not_found(incoming_office, directed):  # noqa: F811
    office = incoming_office
    dossier = make_dossier(office.spec_b, notation="01.KT")
    with pytest.raises(NotFound) as refused:
        items.file_document(office.spec_b, dossier.id, "incoming", directed.id)
    assert refused.value.code == "document_not_found"
    with pytest.raises(NotFound):
        items.file_document(office.spec_b, dossier.id, "incoming", 10**6)
    assert dossier.doc_total == 0 and DossierItem.query.filter_by(dossier_id=dossier.id).count() == 0
    assert items.candidates(office.spec_b, "biên chế") == []  # the search offers only what she sees
    [found] = items.candidates(office.spec_a1, "bien che")
    assert (found.kind, found.object_id, found.notation) == ("incoming", directed.id, "123/SNV-TCBC")
    assert [c.object_id for c in items.candidates(office.spec_a1, "123/snv")] == [directed.id]


def test_a_closed_dossier_takes_nothing(incoming_office, directed):  # noqa: F811
    office = incoming_office
    closed = make_dossier(office.spec_a1, status=DossierStatus.CLOSED)
    with pytest.raises(Conflict) as refused:
        items.file_document(office.spec_a1, closed.id, "incoming", directed.id)
    assert refused.value.code == "dossier_not_open"

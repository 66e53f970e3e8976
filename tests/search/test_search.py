"""Full-text search (NĐ 30/2020 Phụ lục VI III.6.d, III.6.g): every metadata field and the PDFs' text, without
diacritics, ranked, and only what the person may see — incoming, outgoing and their agency alone."""

import pytest

from app.core.db import db
from app.documents.fulltext.models import SearchEntry
from app.documents.fulltext.query import SearchQuery, search
from app.incoming import services as incoming
from tests.incoming.conftest import METADATA, upload
from tests.outgoing.conftest import new_draft
from tests.search.conftest import commit_and_index, text_pdf

pytestmark = pytest.mark.usefixtures("frozen_clock")

NEUTRAL_BODY = ["Đề nghị các đơn vị báo cáo số liệu đúng thời hạn."]


def receive(office, number: str, body=NEUTRAL_BODY, **metadata):
    """The clerk receives an electronic document whose PDF says `body`."""
    values = {**METADATA, "code_number": number, **metadata}
    pdf = text_pdf(values["subject"], body)
    return incoming.receive_incoming(office.clerk, channel="electronic", metadata=values, uploads=upload(pdf))


def found(user, **query) -> list[str]:
    return [hit.entry.subject for hit in search(user, SearchQuery(**query)).hits]


def test_every_metadata_field_is_found_without_diacritics(incoming_office):
    # NĐ 30 Phụ lục VI III.6.d: all the input fields of a document, "quyet dinh" finds "Quyết định".
    office = incoming_office
    receive(
        office,
        "41",
        subject="Quyết định phê duyệt Đề án chuyển đổi số",
        sender_name="Sở Tài chính tỉnh Kiên Giang",
        code_notation="QĐ-STC",
        signer_name="Lê Thị Đào",
        type_name="Quyết định",
    )
    receive(office, "42", subject="Công văn về biên chế")
    db.session.commit()  # the metadata is indexed with the transaction that wrote it: no job needed
    subject = "Quyết định phê duyệt Đề án chuyển đổi số"
    for words in ("quyet dinh", "QUYẾT ĐỊNH", "de an chuyen doi", "so tai chinh", "le thi dao", "41/QĐ-STC", "qd stc"):
        assert found(office.clerk, q=words) == [subject], words
    # The advanced form's fields, each on its own column.
    assert found(office.clerk, party="tai chinh") == [subject]
    assert found(office.clerk, signer="Đào") == [subject]
    assert found(office.clerk, symbol="41/QĐ") == [subject]
    assert found(office.clerk, subject="bien che") == ["Công văn về biên chế"]
    assert found(office.clerk, q="bien che", party="tai chinh") == []


def test_the_text_of_the_pdf_is_found_once_the_job_has_read_it(incoming_office):
    # NĐ 30 Phụ lục VI III.6.d: "nội dung của văn bản" — read after commit, by the job, not in the request.
    office = incoming_office
    receive(office, "51", body=["Các huyện chuẩn bị phương án ứng phó bão lũ trước ngày 15."], subject="Công văn khẩn")
    db.session.commit()
    [entry] = db.session.query(SearchEntry).all()
    assert entry.body_pending and found(office.clerk, q="ung pho bao lu") == []
    assert commit_and_index() == 1
    assert found(office.clerk, q="ung pho bao lu") == ["Công văn khẩn"]
    [hit] = search(office.clerk, SearchQuery(q="ứng phó")).hits
    assert hit.tier == 0 and "ứng phó bão lũ" in hit.entry.body


def test_a_subject_match_ranks_above_a_match_in_the_text_only(incoming_office):
    # NĐ 30 Phụ lục VI III.6.d, III.6.g: ranked, the documents about it before those that mention it.
    office = incoming_office
    receive(
        office, "61", body=["Phòng chống thiên tai, thiên tai, thiên tai năm 2027."] * 3, subject="Báo cáo biên chế"
    )
    receive(office, "62", subject="Về việc phòng chống thiên tai", sender_name="Sở Nông nghiệp")
    receive(office, "63", subject="Giấy mời họp", sender_name="Ban chỉ huy phòng chống thiên tai")
    commit_and_index()
    hits = search(office.clerk, SearchQuery(q="thien tai")).hits
    assert [(h.entry.subject, h.tier) for h in hits] == [
        ("Về việc phòng chống thiên tai", 2),
        ("Giấy mời họp", 1),
        ("Báo cáo biên chế", 0),
    ]
    oldest = search(office.clerk, SearchQuery(q="thien tai", order="oldest")).hits
    assert [h.entry.subject for h in oldest] == ["Báo cáo biên chế", "Về việc phòng chống thiên tai", "Giấy mời họp"]


def test_a_person_finds_only_the_documents_they_may_see(incoming_office, create_agency, create_user):
    # NĐ 30 Phụ lục VI III.6.d with III.3.b: the search asks the module's own visibility rule; agencies apart.
    office = incoming_office
    receive(office, "71", subject="Kế hoạch kiểm tra công vụ")
    stranger = create_user(roles=("van_thu",), agency=create_agency(), username="vanthu.khac")
    commit_and_index()
    assert found(office.clerk, q="kiem tra cong vu") == ["Kế hoạch kiểm tra công vụ"]
    assert found(office.leader, q="kiem tra cong vu") == ["Kế hoạch kiểm tra công vụ"]
    assert found(office.spec_b, q="kiem tra cong vu") == []  # not directed to Phòng Kinh tế
    assert found(stranger, q="kiem tra cong vu") == []  # another agency's clerk
    office.agency.open_incoming_to_staff = True  # registered documents only: this one is not registered yet
    assert found(office.spec_b, q="kiem tra cong vu") == []


def test_outgoing_drafts_are_found_by_their_metadata_and_text_by_who_may_see_them(outgoing_office):
    # NĐ 30 Phụ lục VI III.6.d: văn bản đi too, the draft's PDF text included.
    office = outgoing_office
    pdf = text_pdf("Về việc tổ chức Hội nghị tổng kết", ["Thời gian: 8 giờ, tại Hội trường Ủy ban nhân dân tỉnh."])
    new_draft(office, pdf, subject="Về việc tổ chức Hội nghị tổng kết")
    commit_and_index()
    subject = "Về việc tổ chức Hội nghị tổng kết"
    assert found(office.spec_a1, q="hoi nghi tong ket") == [subject]
    assert found(office.spec_a1, q="hoi truong uy ban") == [subject]  # the PDF's text
    assert found(office.spec_a1, q="so noi vu", kind="outgoing") == [subject]  # a recipient
    assert found(office.spec_a1, q="hoi nghi", kind="incoming") == []
    assert found(office.snv.clerk, q="hoi nghi tong ket") == []  # a recipient agency: not before it is sent
    assert found(office.spec_b, q="hoi nghi tong ket") == []  # a draft of another unit


def test_the_reindex_command_catalogues_existing_documents(app, incoming_office):
    # NĐ 30 Phụ lục VI III.6.d: documents from before the search existed are catalogued by `search reindex`.
    office = incoming_office
    receive(office, "81", subject="Thông báo lịch tiếp công dân", body=["Lịch tiếp công dân định kỳ tháng 12."])
    db.session.commit()
    db.session.query(SearchEntry).delete()
    db.session.commit()
    assert found(office.clerk, q="tiep cong dan") == []
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Đã lập chỉ mục 1 văn bản" in result.output and "PDF của 1 văn bản" in result.output
    assert found(office.clerk, q="dinh ky thang") == ["Thông báo lịch tiếp công dân"]


def test_a_new_version_replaces_the_text_searched(outgoing_office):
    # NĐ 30 Phụ lục VI III.6.d: the text searched is the document's current PDF; the old one goes with the change.
    from app.documents.uploads import Upload
    from app.outgoing import services as outgoing

    office = outgoing_office
    subject = "Về việc mua sắm tài sản công"
    draft = new_draft(office, text_pdf(subject, ["Dự toán mua máy phát điện dự phòng."]), subject=subject)
    commit_and_index()
    assert found(office.spec_a1, q="may phat dien") == [subject]
    new_pdf = text_pdf(subject, ["Dự toán mua xe chuyên dùng chữa cháy."])
    outgoing.upload_version(office.spec_a1, draft.id, Upload("du-thao-2.pdf", new_pdf))
    db.session.commit()
    assert found(office.spec_a1, q="may phat dien") == []  # at once, in the transaction of the new version
    assert found(office.spec_a1, q="chua chay") == []  # the job has not read the new one yet
    assert commit_and_index() == 1
    assert found(office.spec_a1, q="chua chay") == [subject]

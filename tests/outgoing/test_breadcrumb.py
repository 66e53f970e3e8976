"""A long subject in the breadcrumb ends on a whole word and says it was shortened."""

from tests.conftest import login
from tests.outgoing.test_pages_api import draft, sending  # noqa: F401 (the fixture)

LONG = "Về việc rà soát quy trình luân chuyển văn bản giữa các cơ quan"


def test_the_breadcrumb_shortens_a_long_subject_at_a_word(client, sending):  # noqa: F811
    document = draft(sending, subject=LONG)
    login(client, "cv.a1")
    for url in (f"/outgoing/{document.id}", f"/outgoing/{document.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        crumbs = page[page.index('class="breadcrumb"') : page.index("</ol>")]
        assert "Về việc rà soát quy trình luân chuyển…" in crumbs, url
        assert "luân chuyển vă<" not in crumbs and "luân chuyển vă\n" not in crumbs, url

"""The header's quick search in the browser (NĐ 30/2020 Phụ lục VI III.6.d): typed without diacritics on any page,
it finds the demo's outgoing draft, highlights the words and opens the document."""

import re

import pytest
from playwright.sync_api import expect

from app.demo import DEMO_OUTGOING_SUBJECT
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_the_quick_search_in_the_header_finds_and_opens_a_document(page):
    # NĐ 30 Phụ lục VI III.6.d: a global quick search, accent-insensitive, results ranked and highlighted.
    page.set_default_timeout(10_000)
    sign_in(page, "ubnd.vanthu")
    box = page.get_by_test_id("quick-search")
    box.fill("trien khai phan mem quan ly")
    box.press("Enter")
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text(DEMO_OUTGOING_SUBJECT)
    expect(results.locator("mark").first).to_have_text("Triển")
    expect(page.get_by_test_id("search-total")).to_contain_text("văn bản phù hợp")
    results.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/outgoing/\d+$"))

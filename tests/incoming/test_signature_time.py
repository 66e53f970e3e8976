"""The time of an incoming document's signature reads like every other time of the pages: dd/mm/yyyy hh:mm."""

import re

from tests.conftest import login
from tests.incoming.test_handling import registered


def test_the_signing_time_is_shown_day_first(client, incoming_office, signed_pdf, frozen_clock):
    document, _instance, task = registered(incoming_office, signed_pdf)
    login(client, "vanthu")
    for url in (f"/incoming/{document.id}", f"/tasks/{task.id}"):
        html = client.get(url).get_data(as_text=True)
        assert re.search(r"ký lúc \d\d/\d\d/\d{4} \d\d:\d\d", html), url  # not ISO "2026-11-23 10:00"
        assert not re.search(r"ký lúc \d{4}-", html), url

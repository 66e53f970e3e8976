"""Modules declare their home panels in one place (Module.home_panels); app.modules registers them in order."""

import pytest

from app.core.home import HomePanel
from app.core.modules import Module
from app.modules import declared_modules, home_panels


def test_the_declared_panels_come_in_their_order(app):
    assert [panel.id for panel in app.extensions["qlvb.home_panels"]] == [
        "my_work",
        "notifications",
        "incoming_extensions",
        "incoming",
        "outgoing",
        "unfiled_documents",
        "access_warnings",
        "delegations",
    ]
    assert [p.id for p in home_panels(declared_modules())] == [p.id for p in app.extensions["qlvb.home_panels"]]


def test_two_panels_with_one_id_are_refused(monkeypatch):
    import app.web.home as web_home

    monkeypatch.setattr(web_home, "TWICE", [HomePanel("my_work", "Lại", lambda user: None)], raising=False)
    with pytest.raises(RuntimeError, match="share an id"):
        home_panels([*declared_modules(), Module("twice", home_panels=("app.web.home:TWICE",))])

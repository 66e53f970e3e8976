"""Static files carry their content's version in the address (app/web/static_files.py): kept for a year under it,
revalidated without it, and a new address as soon as the file changes."""

import re

from flask import url_for


def test_pages_link_static_files_with_their_version(client):
    page = client.get("/login").get_data(as_text=True)
    links = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert links and all(re.search(r"\?v=[0-9a-f]{12}$", link) for link in links), links
    versioned = client.get(links[0])
    assert versioned.status_code == 200
    assert versioned.cache_control.max_age == 365 * 24 * 3600 and versioned.cache_control.immutable
    bare = client.get(links[0].split("?")[0])
    assert bare.cache_control.max_age is None and bare.cache_control.no_cache


def test_an_old_version_is_served_but_not_kept(client):
    stale = client.get("/static/css/app.css?v=000000000000")
    assert stale.status_code == 200 and stale.cache_control.max_age is None


def test_a_changed_file_gets_a_new_address(app, tmp_path):
    folder = tmp_path / "static"
    (folder / "js").mkdir(parents=True)
    script = folder / "js" / "x.js"
    script.write_text("let a = 1;")
    original = app.static_folder
    app.static_folder = str(folder)
    try:
        with app.test_request_context():
            first = url_for("static", filename="js/x.js")
            script.write_text("let a = 22;")
            assert url_for("static", filename="js/x.js") != first
            assert url_for("static", filename="js/missing.js") == "/static/js/missing.js"
    finally:
        app.static_folder = original

"""Security headers on every answer (app/web/security.py), HSTS only over TLS."""

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from tests.conftest import login

PATHS = ["/login", "/static/css/app.css", "/api/v1/me", "/khong-co", "/api/v1/openapi.json"]


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_headers(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'self'"
    assert directives["worker-src"] == "'self'" and directives["frame-src"] == "'self'"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "microphone=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # plain http


def test_only_the_pdf_worker_may_compile_webassembly(client):
    worker = client.get("/static/vendor/pdfjs/pdf.worker.min.mjs")
    assert "'wasm-unsafe-eval'" in worker.headers["Content-Security-Policy"]
    assert "unsafe-eval'" not in worker.headers["Content-Security-Policy"].replace("'wasm-unsafe-eval'", "")
    assert "wasm" not in client.get("/login").headers["Content-Security-Policy"]


def test_hsts_is_sent_over_tls_only(client, app):
    assert client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"] == (
        "max-age=31536000"
    )
    # A forged X-Forwarded-Proto is not believed when no proxy is trusted (QLVB_TRUSTED_PROXIES=0) …
    forged = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forged.headers
    # … and is, from the one trusted proxy, as init_web installs it.
    plain = app.wsgi_app
    app.wsgi_app = ProxyFix(plain, x_for=1, x_proto=1, x_host=1)
    try:
        proxied = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    finally:
        app.wsgi_app = plain
    assert proxied.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_pages_have_no_inline_script(client, create_user):
    """A template that brings back an inline script or an on…= handler fails here before any browser test."""
    import re

    create_user(username="canbo")
    login(client, "canbo")
    for path in ["/", "/tasks", "/account", "/account/password", "/account/tokens", "/delegations"]:
        html = client.get(path).get_data(as_text=True)
        scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
        assert scripts == [], (path, scripts)
        assert not re.search(r"\son[a-z]+=\"", html), path
        assert "javascript:" not in html, path


def test_no_template_has_an_inline_script_or_handler():
    import re
    from pathlib import Path

    from app.config import PROJECT_ROOT

    found = []
    for template in Path(PROJECT_ROOT, "app").glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\son[a-z]+=\"|javascript:", text
        ):
            found.append(f"{template.relative_to(PROJECT_ROOT)}: {match.group(0)}")
    assert found == []


@pytest.mark.parametrize(
    ("mimetype", "disposition", "sandboxed"),
    [
        ("image/svg+xml", "inline", True),  # an uploaded picture may carry a script
        ("text/html", "attachment", True),
        ("application/pdf", "inline", False),  # Chromium's viewer opens no PDF in a sandbox
        ("text/html", None, False),  # our own pages
    ],
)
def test_a_served_file_is_sandboxed_unless_a_pdf(app, mimetype, disposition, sandboxed):
    from flask import Response

    from app.web.security import set_security_headers

    response = Response(b"<svg/>", mimetype=mimetype)
    if disposition:
        response.headers["Content-Disposition"] = f'{disposition}; filename="tep"'
    with app.test_request_context("/dossiers/1/items/1/file"):
        policy = set_security_headers(app, response).headers["Content-Security-Policy"]
    assert policy.endswith("; sandbox") is sandboxed and "frame-ancestors 'none'" in policy

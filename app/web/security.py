"""Security headers on every response, set here and nowhere else (docs/bao-mat.md lists them for operators).

The Content-Security-Policy allows scripts from this server only: no inline <script>, no on…= attributes, no eval
(templates declare behaviour with data- attributes read by static/js/confirm.js and the module assets). Styles keep
'unsafe-inline': bpmn-js and diagram-js write style attributes into the SVG they draw, htmx adds its indicator
<style>, and the templates' style="…" attributes size progress bars and charts — a style cannot run code.
"""

from flask import Flask, Response, request

# One directive a line; the reasons where a source is more than 'self'.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",  # bpmn-js's palette icons and pdf.js's decoded images are data:/blob: URLs
        "font-src 'self' data:",  # pdf.js may hand a PDF's embedded font to the browser as a data: URL
        "connect-src 'self'",
        "worker-src 'self'",  # pdf.js's worker, /static/vendor/pdfjs/pdf.worker.min.mjs
        "frame-src 'self'",
        "frame-ancestors 'none'",  # no other site frames a page of ours (clickjacking)
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)
# The pdf.js worker decodes JPEG 2000, JBIG2 images and ICC colours with WebAssembly: a worker follows the policy of
# its own script's response, so only the worker may compile WebAssembly ('wasm-unsafe-eval' allows no JS eval).
PDF_WORKER_PATH = "/static/vendor/pdfjs/pdf.worker.min.mjs"
PDF_WORKER_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'"

# Powerful browser features no page of qlvb uses, off for every page and any frame in it.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


# A file a person uploaded, served back (Content-Disposition: inline or attachment), is not a page of ours: in a
# sandbox it has an origin of its own, so an SVG or HTML file that carries a script reaches no cookie, page or API
# of qlvb even if a browser shows it. PDFs are left out: Chromium's viewer does not open a PDF in a sandbox.
FILE_POLICY = CONTENT_SECURITY_POLICY + "; sandbox"


def _policy(response: Response) -> str:
    if request.path == PDF_WORKER_PATH:
        return PDF_WORKER_POLICY
    uploaded = "Content-Disposition" in response.headers and not request.path.startswith("/static/")  # ours
    if uploaded and response.mimetype != "application/pdf":
        return FILE_POLICY
    return CONTENT_SECURITY_POLICY


def set_security_headers(app: Flask, response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = _policy(response)
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Referrer-Policy"] = "same-origin"  # addresses of documents and tasks never leave the site
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"  # frame-ancestors for browsers that predate it
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    # HSTS only on an answer that came over TLS (directly, or through the trusted proxy's X-Forwarded-Proto,
    # QLVB_TRUSTED_PROXIES): sent over plain http it would be ignored, and on the embedded http://127.0.0.1 wrong.
    if request.is_secure and (max_age := app.config["HSTS_SECONDS"]) > 0:
        headers["Strict-Transport-Security"] = f"max-age={max_age}"
    if response.mimetype == "text/html":
        headers.setdefault("Cache-Control", "no-store")
    return response

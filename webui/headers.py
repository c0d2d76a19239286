"""Security headers on every response (issue #15). The Content-Security-Policy lets the
browser run only scripts served from this origin: no inline <script>, no on…= attributes, no
eval; nothing may frame a page (clickjacking of the admin pages), and nothing is sniffed into
another type. Inline styles stay allowed: bpmn-js and the diagram viewer set style attributes
on the SVG they draw (a style cannot run code)."""
from __future__ import annotations

import re
from urllib.parse import quote

from flask import Flask, Response

from engine.text import fold

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    @app.after_request
    def secure(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def attachment(name: str) -> str:
    """Content-Disposition of a download named `name` (Vietnamese allowed): an ASCII name for
    clients that read only `filename` (diacritics dropped, đ as d) and the name itself in UTF-8
    as `filename*` (RFC 6266), which browsers prefer."""
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", fold(name))
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"

"""Exceptions to the Content-Security-Policy (settings.py), one response at a time."""

import base64
import hashlib
from html.parser import HTMLParser

from django.http import HttpResponse


class _InlineStyles(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.update(value for name, value in attrs if name == "style" and value)
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found.add(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False


def allow_styles_of(response: HttpResponse, *documents: str) -> HttpResponse:
    """Let a mail preview keep its look. A mail must carry inline styles (mail programs drop
    stylesheets), and an <iframe srcdoc> inherits the page's policy, which refuses them.
    Exactly these styles are allowed, by their hashes, on this one response; anything a
    message's author might slip in is still refused (and their HTML is sanitised anyway)."""
    styles: set[str] = set()
    for document in documents:
        parser = _InlineStyles()
        parser.feed(document)
        styles |= parser.found
    if styles:
        hashes = sorted(f"'sha256-{_digest(style)}'" for style in styles)
        response._csp_update = {"style-src": ["'unsafe-hashes'", *hashes]}  # type: ignore[attr-defined]
    return response


def _digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

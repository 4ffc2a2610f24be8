"""Production settings put every hardening header on every response (docs/security.md).

A real gunicorn runs the WSGI app with the environment the Helm chart gives it (no DEBUG,
https behind the ingress), against the test database; the test asks it over HTTP the way
the ingress and the kubelet do.
"""

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.client import HTTPResponse
from typing import Any

import pytest
from django.conf import settings

from config.devstack import free_port
from tests.config.test_celery import _test_database_url

NYBORG = "nyborg.localhost"
CONSOLE = "console.localhost"


@pytest.fixture(scope="module")
def production(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The address of a gunicorn serving the app in production settings."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.update(
        TENANT_URL_SCHEME="https",
        DATABASE_URL=_test_database_url(settings.DATABASES["default"]["NAME"]),
        SECRET_KEY="production-headers-test",
        SENTRY_DSN="",
    )
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    options = ["-b", f"127.0.0.1:{port}", "-w", "1", "--graceful-timeout", "2"]
    server = subprocess.Popen([*command, *options], env=env)
    address = f"http://127.0.0.1:{port}"
    try:
        _wait_for(address)
        yield address
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(address: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _get(address, "/livez", host=CONSOLE, https=False)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _get(address: str, path: str, *, host: str, https: bool = True) -> HTTPResponse:
    headers = {"Host": host, "Accept-Language": "da"}
    if https:
        headers["X-Forwarded-Proto"] = "https"  # what the ingress adds
    request = urllib.request.Request(address + path, headers=headers)
    try:
        return urllib.request.build_opener(_NoRedirect).open(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error  # type: ignore[return-value]  # a 3xx/4xx answer still has headers


PAGES = [(NYBORG, "/"), (NYBORG, "/konto/log-ind/"), (NYBORG, "/findes-ikke/"), (CONSOLE, "/")]


@pytest.mark.parametrize(("host", "path"), PAGES)
def test_it_sends_every_hardening_header(production: str, host: str, path: str) -> None:
    response = _get(production, path, host=host)
    assert response.status in (200, 302, 404)
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]
    policy = _policy(headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]


def test_it_serves_the_brand_colours_as_a_stylesheet_not_inline(production: str) -> None:
    body = _get(production, "/", host=NYBORG).read().decode()
    assert "<style" not in body and 'style="' not in body
    link = re.search(r'href="(/brand\.css\?v=[0-9a-f]{12})"', body)
    assert link, "no link to the brand stylesheet"
    css = _get(production, link.group(1), host=NYBORG)
    assert css.headers["Content-Type"] == "text/css; charset=utf-8"
    assert "immutable" in css.headers["Cache-Control"]  # the colours are in its URL
    assert "--brand-primary: #" in css.read().decode()
    assert _get(production, "/brand.css?v=old", host=NYBORG).headers["Cache-Control"] == "no-cache"


def test_it_redirects_plain_http_to_https(production: str) -> None:
    response = _get(production, "/konto/log-ind/?next=/x", host=NYBORG, https=False)
    assert response.status == 301
    assert response.headers["Location"] == f"https://{NYBORG}/konto/log-ind/?next=/x"


def test_it_answers_the_kubelets_probes_over_plain_http(production: str) -> None:
    # The probes reach the pod directly, without X-Forwarded-Proto: no redirect for them.
    assert _get(production, "/livez", host=CONSOLE, https=False).status == 200
    assert _get(production, "/healthz", host=CONSOLE, https=False).status in (200, 503)


def test_it_marks_cookies_secure(production: str) -> None:
    response = _get(production, "/konto/log-ind/", host=NYBORG)
    cookies = response.headers.get_all("Set-Cookie") or []
    csrf = [cookie for cookie in cookies if cookie.startswith("csrftoken=")]
    assert csrf and "Secure" in csrf[0] and "SameSite=Lax" in csrf[0]


def _policy(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}

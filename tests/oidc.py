"""A real OpenID Connect provider for the single sign-on tests: the npm package
`oidc-provider` (tests/browser/package.json, `npm ci --prefix tests/browser`), run by
tests/browser/oidc_provider.mjs as a subprocess on a free port.

Without node or the package the tests skip, unless the environment variable CI is set: then
they fail, as the browser tests do, so that CI never passes by testing nothing.

`sign_in_at_provider` plays the person at the provider's own (development) login page with
`requests`, and returns the redirect back to Tovholder, which the test then follows with
Django's test client.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urljoin

import pytest
import requests

BROWSER = Path(__file__).resolve().parent / "browser"
SCRIPT = BROWSER / "oidc_provider.mjs"
PACKAGE = BROWSER / "node_modules" / "oidc-provider"
CLIENT_ID = "tovholder-nyborg"
CLIENT_SECRET = "nyborg-client-secret-for-tests"
CPR = "0101901234"  # what a MitID broker might send; must never be stored

# Who can sign in at the test provider (the login name is also the `sub`).
ACCOUNTS: dict[str, dict[str, Any]] = {
    "frida-mitid": {
        "email": "frida.sso@example.dk",
        "email_verified": True,
        "name": "Frida Fra MitID",
        "cpr": CPR,
        "dk:gov:saml:attribute:CprNumberIdentifier": CPR,
    },
    "nanna-verified": {"email": "nanna@nyborg.dk", "email_verified": True, "name": "N N"},
    "nanna-unverified": {
        "email": "NANNA@nyborg.dk",
        "email_verified": False,
        "name": "Nanna Nyborg",
    },
    "no-email": {"name": "Uden Email"},
    "moved-email": {"email": "somebody.else@example.dk", "email_verified": True, "name": "X"},
    "greedy": {
        "email": "greedy@example.dk",
        "email_verified": True,
        "name": "Grethe Grådig",
        "roles": ["Tovholder.Admin", "Tovholder.Koordinator", "admin", "owner_admin"],
    },
    "staff-admin": {
        "email": "staff.admin@example.dk",
        "email_verified": True,
        "name": "Sanne Stab",
        "roles": ["Tovholder.Admin"],
    },
    "staff-plain": {"email": "staff.plain@example.dk", "email_verified": True, "name": "Per Stab"},
}


def _unavailable(what: str, fix: str) -> NoReturn:
    if not os.environ.get("CI"):
        pytest.skip(f"single sign-on tests need {what}: {fix} (in CI this is a failure instead)")
    pytest.fail(f"single sign-on tests need {what}: {fix}", pytrace=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET


@contextmanager
def oidc_provider(
    redirect_uris: list[str], *, id_token_ttl: int = 3600
) -> Iterator[RunningProvider]:
    node = shutil.which("node")
    if node is None:
        _unavailable("node", "apt-get install -y nodejs npm")
    if not PACKAGE.exists():
        _unavailable("the npm package oidc-provider", "npm ci --prefix tests/browser")
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    config = {
        "port": port,
        "issuer": issuer,
        "idTokenTTL": id_token_ttl,
        "accounts": ACCOUNTS,
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": redirect_uris,
                "response_types": ["code"],
                "grant_types": ["authorization_code"],
                "token_endpoint_auth_method": "client_secret_basic",
            }
        ],
    }
    with tempfile.TemporaryDirectory() as folder:
        config_path = Path(folder) / "config.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        log = (Path(folder) / "provider.log").open("w+", encoding="utf-8")
        process = subprocess.Popen(
            [node, str(SCRIPT), str(config_path)], stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_up(issuer, process, log)
            yield RunningProvider(issuer=issuer)
        finally:
            process.terminate()
            process.wait(timeout=10)
            log.close()


def _wait_until_up(issuer: str, process: subprocess.Popen[bytes], log: Any) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"the OpenID provider stopped: {log.read()}", pytrace=False)
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    pytest.fail("the OpenID provider did not start within 20 s", pytrace=False)


def _form_action(page: requests.Response) -> str:
    found = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    assert found, f"no form on the provider's page {page.url}: {page.text[:500]}"
    return urljoin(page.url, found.group(1))


def sign_in_at_provider(authorization_url: str, login: str, redirect_prefix: str) -> str:
    """Follow the provider's pages as the person `login`; return the address it sends the
    browser back to (on Tovholder, which `requests` must not try to reach itself)."""
    browser = requests.Session()
    page = browser.get(authorization_url, timeout=10)  # to its login page
    answer = browser.post(
        _form_action(page),
        data={"prompt": "login", "login": login, "password": "any"},
        allow_redirects=False,
        timeout=10,
    )
    for _hop in range(10):
        location = urljoin(answer.url, answer.headers.get("Location", ""))
        assert answer.is_redirect, (
            f"the provider answered {answer.status_code}: {answer.text[:500]}"
        )
        if location.startswith(redirect_prefix):
            return location
        answer = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back")

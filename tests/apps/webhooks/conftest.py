"""Webhook personas: Rikke administers Nyborg Roklub and registers its endpoints; a real
HTTP receiver on 127.0.0.1 (a thread, a free port) records what arrives. The SSRF guard
is switched off only by the tests that post to that local receiver (`allow_private`)."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from django_tenants.utils import tenant_context

from apps.organisations.models import OrganisationRole
from apps.webhooks.services.emitting import FLAG
from tests.personas import person


@dataclass
class Receiver:
    url: str
    status: int = 200
    received: list[dict] = field(default_factory=list)

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            box.received.append(
                {"path": self.path, "headers": dict(self.headers), "body": body.decode()}
            )
            self.send_response(box.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.url = f"http://127.0.0.1:{server.server_port}/hooks/tovholder"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box
    server.shutdown()
    server.server_close()


@pytest.fixture
def allow_private(settings) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture(autouse=True)
def _no_cached_flag(nyborg, aarhus) -> Iterator[None]:
    # The "has endpoints" flag lives in Redis, outside the test's rolled-back transaction.
    def drop() -> None:
        for tenant in (nyborg, aarhus):
            with tenant_context(tenant):
                cache.delete(FLAG)

    drop()
    yield
    drop()


@pytest.fixture
def rikke(roklub):
    """Rikke, the rowing club's admin: she registers its webhooks."""
    rikke = person("Rikke")
    OrganisationRole.objects.create(
        organisation=roklub, user=rikke, role=OrganisationRole.Role.ADMIN
    )
    return rikke

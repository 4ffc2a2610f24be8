"""Webhook fan-out benchmark: events emitted to several endpoints, then delivered to a
local receiver.
    python -m config.devstack bench bench/webhooks.py
Runs in a database of its own (`<name>_webhooks_bench`, dropped at the end). Provisions one
tenant, registers ENDPOINTS addresses on a local receiver (http.server in a thread; the SSRF
guard is lifted for it with WEBHOOKS_ALLOW_PRIVATE), emits EVENTS events (one INSERT ...
SELECT each, fanning out to every endpoint), then delivers the outbox with one worker and
again with two workers (threads, a connection each, the same SKIP LOCKED claim the Celery
task uses). Prints the emit cost per event and deliveries per second; checks that every
row arrived exactly once.
"""

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from _harness import run_in_own_database  # bench/ is the script's folder

ENDPOINTS, EVENTS = 5, 300


def main() -> None:
    os.environ["WEBHOOKS_ALLOW_PRIVATE"] = "1"
    run_in_own_database(run, suffix="_webhooks_bench")


class Receiver:
    def __init__(self) -> None:
        self.ids: list[str] = []
        lock = threading.Lock()
        ids = self.ids

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                with lock:
                    ids.append(self.headers["Tovholder-Event-Id"] + self.path)
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook/{number}"


def run() -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django_tenants.utils import tenant_context

    from apps.accounts.models import User
    from apps.organisations.models import Organisation
    from apps.webhooks.models import Delivery
    from apps.webhooks.services import endpoint_create, event_emit
    from tenants.services import tenant_provision

    call_command("setup_platform", verbosity=0)
    tenant = tenant_provision(
        slug="bench", name="Bench Kommune", admin_email="admin@bench.dk", admin_name="Admin"
    ).tenant
    receiver = Receiver()
    with tenant_context(tenant):
        admin = User.objects.get(email="admin@bench.dk")
        club = Organisation.objects.create(name="Bench FC", is_approved=True)
        for number in range(ENDPOINTS):
            endpoint_create(
                actor=admin,
                url=receiver.url(number),
                kinds=["signup.created"],
                organisation=club if number % 2 else None,
            )
        print(
            f"{ENDPOINTS} endpoints, {EVENTS} events "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
        )
        for workers in (1, 2):
            started = time.perf_counter()
            for number in range(EVENTS):
                with transaction.atomic():
                    event_emit(
                        kind="signup.created",
                        organisation_id=club.pk,
                        payload={"signup": number, "shift": 1, "person": 1, "status": "confirmed"},
                    )
            took = time.perf_counter() - started
            rows = Delivery.objects.filter(status="pending").count()
            print(
                f"  emit: {took / EVENTS * 1000:.2f} ms per event "
                f"({rows} rows, {rows / EVENTS:.0f} per event)"
            )
            receiver.ids.clear()
            started = time.perf_counter()
            sent = deliver_with(tenant, workers)
            took = time.perf_counter() - started
            assert sent == rows == len(receiver.ids) == len(set(receiver.ids)), (sent, rows)
            print(
                f"  {workers} worker(s): {sent} deliveries in {took:.1f} s = "
                f"{sent / took:.0f} deliveries/s (load average {os.getloadavg()[0]:.1f})"
            )


def deliver_with(tenant: Any, workers: int) -> int:
    from django.db import connection, connections

    from apps.webhooks.services import deliver_due

    def one() -> int:
        connection.set_tenant(tenant)  # type: ignore[attr-defined]
        try:
            return deliver_due()["sent"]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(lambda _: one(), range(workers)))


if __name__ == "__main__":
    main()

"""A real localstripe server (a stateful fake Stripe, PyPI) for the Stripe tests.

Started as a subprocess on a free port, once per test session (each pytest-xdist worker
its own), and killed at the end. localstripe pickles its whole store to the fixed path
/tmp/localstripe.pickle after every write, which several servers at once (workers, other
checkouts) would share: the launcher below turns that persistence off and starts from
scratch; the API it serves is untouched.
"""

import contextlib
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from config.devstack import free_port

API_KEY = "sk_test_tovholder"
WEBHOOK_SECRET = "whsec_tovholder_test"
LAUNCH = """
import sys
import localstripe.resources as resources
resources.Store.dump_to_disk = lambda self: None
from localstripe.server import start
sys.argv = ["localstripe", "--port", sys.argv[1], "--from-scratch"]
start()
"""


@contextlib.contextmanager
def localstripe_server() -> Iterator[str]:
    """The base address of a fresh localstripe, stopped when the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, process)
        yield base
    finally:
        process.kill()
        process.wait(timeout=10)


def _wait_for(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("localstripe exited at start")
        try:
            request = urllib.request.Request(
                f"{base}/v1/customers", headers={"Authorization": f"Bearer {API_KEY}"}
            )
            urllib.request.urlopen(request, timeout=1).read()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError("localstripe did not answer within 20 s")


@pytest.fixture(scope="session")
def localstripe_base() -> Iterator[str]:
    """One localstripe server per test session (per xdist worker), killed at its end; only
    started when a test asks for it."""
    with localstripe_server() as base:
        yield base


@pytest.fixture
def stripe_api(settings: Any, localstripe_base: str) -> str:
    """The app's Stripe calls go to the session's localstripe, with the test's secret."""
    settings.STRIPE_API_KEY = API_KEY
    settings.STRIPE_API_BASE = localstripe_base
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return localstripe_base


def client(base: str) -> stripe.StripeClient:
    return stripe.StripeClient(API_KEY, base_addresses={"api": base})


def card(base: str, number: str) -> str:
    """A card payment method (a test card number), as Stripe.js would have made it."""
    method = client(base).v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"},
        }
    )
    return str(method.id)


def sepa(base: str, iban: str) -> str:
    method = client(base).v1.payment_methods.create(
        params={
            "type": "sepa_debit",
            "sepa_debit": {"iban": iban},
            "billing_details": {"name": "Kasserer", "email": "kasse@example.dk"},
        }
    )
    return str(method.id)


def events(base: str, type_: str, object_id: str) -> list[dict[str, Any]]:
    """localstripe's events of a type about one object, as the JSON it would send."""
    request = urllib.request.Request(
        f"{base}/v1/events?type={type_}&limit=100",
        headers={"Authorization": f"Bearer {API_KEY}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        found = json.load(response)["data"]
    return [event for event in found if event["data"]["object"].get("id") == object_id]


def register_webhook(base: str, name: str, url: str, secret: str) -> None:
    data = urllib.parse.urlencode({"url": url, "secret": secret}).encode()
    urllib.request.urlopen(f"{base}/_config/webhooks/{name}", data=data, timeout=5).read()


def signed(payload: bytes, secret: str, *, at: int | None = None) -> str:
    """The Stripe-Signature header Stripe (and localstripe) sends with `payload`."""
    return stripe.WebhookSignature.generate_signature_header(payload.decode(), secret, at)

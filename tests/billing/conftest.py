"""The Peppol rules are compiled once per test session (about 1.5 s), not once per test."""

import time
from collections.abc import Callable, Iterator

import pytest

from billing import validation
from billing.validation import Failure
from tests.localstripe import API_KEY, localstripe_server

WEBHOOK_SECRET = "whsec_tovholder_test"


@pytest.fixture(scope="session")
def peppol_rules() -> Callable[[bytes], list[Failure]]:
    started = time.perf_counter()
    validation.warm_up()
    print(f"\nPeppol rules compiled in {time.perf_counter() - started:.2f} s")
    return validation.validate


@pytest.fixture(scope="session")
def localstripe_base() -> Iterator[str]:
    """One localstripe server per test session (per xdist worker), killed at its end."""
    with localstripe_server() as base:
        yield base


@pytest.fixture
def stripe_api(settings, localstripe_base: str) -> str:
    """The app's Stripe calls go to the session's localstripe, with the test's secret."""
    settings.STRIPE_API_KEY = API_KEY
    settings.STRIPE_API_BASE = localstripe_base
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return localstripe_base

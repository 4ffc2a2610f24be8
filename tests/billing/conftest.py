"""The Peppol rules are compiled once per test session (about 1.5 s), not once per test."""

import time
from collections.abc import Callable

import pytest

from billing import validation
from billing.validation import Failure


@pytest.fixture(scope="session")
def peppol_rules() -> Callable[[bytes], list[Failure]]:
    started = time.perf_counter()
    validation.warm_up()
    print(f"\nPeppol rules compiled in {time.perf_counter() - started:.2f} s")
    return validation.validate

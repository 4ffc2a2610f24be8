"""The same person sends the form twice at once (a double tap on a bad connection), on a
real PostgreSQL with one connection per thread: exactly one helper results. Rows are
committed here, so this module cleans up after itself."""

from collections.abc import Iterator

import pytest
from celery._state import _set_task_join_will_block
from django.utils import timezone

from apps.crisis.models import Crisis, Helper
from apps.crisis.services import helper_register
from apps.organisations.models import Organisation
from tests.threads import crowd, in_tenant

pytestmark = pytest.mark.django_db
TWINS = 8


@pytest.fixture
def rush(nyborg) -> Iterator[Crisis]:
    def create() -> Crisis:
        org = Organisation.objects.create(name="Crisis Rush FC", is_approved=True)
        return Crisis.objects.create(organisation=org, title="Rush", started_at=timezone.now())

    def remove() -> None:
        Crisis.objects.filter(title="Rush").delete()
        Organisation.objects.filter(name="Crisis Rush FC").delete()

    yield in_tenant(nyborg, create)
    in_tenant(nyborg, remove)
    _set_task_join_will_block(False)


def job(crisis: Crisis, i: int, **contact: str):
    def run() -> int:
        return helper_register(
            crisis=crisis,
            name=f"Twin {i}",
            postcode="5800",
            skills=[f"s{i % 2}"],
            availability=["now"],
            **contact,
        ).pk

    return run


def test_it_keeps_one_helper_when_twins_register_at_once(nyborg, rush):
    ids = crowd(nyborg, [job(rush, i, phone="12345678", email="") for i in range(TWINS)])
    assert len(set(ids)) == 1

    def rows() -> list[tuple[int, list[str]]]:
        return list(Helper.objects.filter(crisis=rush).values_list("registrations", "skills"))

    assert in_tenant(nyborg, rows) == [(TWINS, ["s0", "s1"])]


def test_it_keeps_one_helper_when_phone_and_email_twins_cross(nyborg, rush):
    """Half give the phone, half the email, one of each both: still one helper."""
    jobs = [job(rush, 0, phone="12345678", email="ada@example.dk")]
    jobs += [job(rush, i, phone="12345678", email="") for i in range(1, TWINS, 2)]
    jobs += [job(rush, i, phone="", email="ada@example.dk") for i in range(2, TWINS, 2)]
    crowd(nyborg, jobs)
    rows = in_tenant(
        nyborg,
        lambda: list(Helper.objects.filter(crisis=rush).values_list("phone", "email")),
    )
    # Before the one with both comes, at most a phone row and an email row exist; it
    # merges them, and everyone after it merges into that one.
    assert rows == [("+4512345678", "ada@example.dk")]
    total = in_tenant(
        nyborg,
        lambda: sum(Helper.objects.filter(crisis=rush).values_list("registrations", flat=True)),
    )
    assert total == len(jobs)

"""More helpers answer yes at the same moment than the need has places, each on its own
connection (as real web workers): exactly `wanted` are accepted. Rows are committed here,
so the module cleans up after itself."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from celery._state import _set_task_join_will_block
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.crisis.models import Crisis, Helper, Invite, Need
from apps.crisis.needs import Answer, invite_answer
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift
from tests.apps.crisis.needs.conftest import next_weekday, post_need
from tests.threads import crowd, in_tenant

pytestmark = pytest.mark.django_db
HELPERS, WANTED = 8, 3
CLUB = "Nyborg Kriseberedskab (concurrency)"


@pytest.fixture
def rush(nyborg) -> Iterator[tuple[Need, list[str]]]:
    def create() -> tuple[Need, list[str]]:
        nanna = User.objects.get(email="nanna@nyborg.dk")
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        crisis = Crisis.objects.create(organisation=club, title="Storm", started_at=timezone.now())
        start = next_weekday(5, 10)
        need = post_need(
            crisis, nanna, wanted=WANTED, starts_at=start, ends_at=start + timedelta(hours=2)
        )
        tokens = []
        for n in range(HELPERS):
            helper = Helper.objects.create(
                crisis=crisis,
                name=f"Hjælper {n}",
                phone=f"+4521{n:06d}",
                postcode="5800",
                consent_at=timezone.now(),
            )
            tokens.append(Invite.objects.create(need=need, helper=helper).token)
        return need, tokens

    def remove() -> None:
        AuditEvent.objects.filter(action__startswith="crisis.").delete()
        Crisis.objects.filter(organisation__name=CLUB).delete()  # helpers, needs, invites
        Event.objects.filter(organisation__name=CLUB).delete()
        Organisation.objects.filter(name=CLUB).delete()

    yield in_tenant(nyborg, create)
    in_tenant(nyborg, remove)
    _set_task_join_will_block(False)


def test_it_never_accepts_more_helpers_than_wanted_at_once(nyborg, rush):
    need, tokens = rush
    outcomes = crowd(nyborg, [lambda t=t: invite_answer(token=t, accept=True)[1] for t in tokens])
    assert sorted(outcomes) == sorted(
        [Answer.ACCEPTED] * WANTED + [Answer.FULL] * (HELPERS - WANTED)
    )

    def stored() -> tuple[int, int]:
        accepted = Invite.objects.filter(need=need, status=Invite.Status.ACCEPTED).count()
        return accepted, Shift.objects.get(pk=need.shift_id).capacity

    assert in_tenant(nyborg, stored) == (WANTED, 0)

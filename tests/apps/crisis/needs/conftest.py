"""Crisis mode in Nyborg: a flood, and Nyborg Roklub (the crisis's organisation) posts
needs. Rasmus coordinates the club; Nanna is the site's admin; Kim coordinates the scouts,
not the club; Frida is a member of the club with an account. The helpers registered on the
public form without an account:

* Hanne, 5800 Nyborg, first aid and care, can come right away and at weekends; phone and mail;
* Ib, 5853 Ørbæk (near Nyborg), lifting and carrying, weekday evenings; phone only;
* Jens, 8000 Aarhus, first aid, weekdays in the daytime; mail only;
* Lise, 5800 Nyborg, cooking, weekends; mail only.

Anders is in another tenant (VisitAarhus) and must see nothing.
The Crisis and Helper rows are made directly (the crisis is switched on elsewhere).
"""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.crisis.models import Crisis, Helper, Need
from apps.crisis.needs import need_post
from apps.members.models import Membership
from apps.organisations.models import OrganisationRole
from tests.personas import person


def next_weekday(weekday: int, hour: int) -> datetime:
    """The next `weekday` (0 Monday) at least two days away, at `hour` local time."""
    day = timezone.localtime() + timedelta(days=2)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def rasmus(roklub) -> User:
    rasmus = person("Rasmus")
    OrganisationRole.objects.create(
        organisation=roklub, user=rasmus, role=OrganisationRole.Role.COORDINATOR
    )
    return rasmus


@pytest.fixture
def crisis(roklub, nanna) -> Crisis:
    return Crisis.objects.create(
        organisation=roklub,
        title="Oversvømmelse i Nyborg",
        public_text="Vi har brug for hjælp.",
        started_at=timezone.now(),
        started_by=nanna,
    )


def helper(crisis: Crisis, name: str, **fields: object) -> Helper:
    return Helper.objects.create(crisis=crisis, name=name, consent_at=timezone.now(), **fields)


@pytest.fixture
def helpers(crisis) -> dict[str, Helper]:
    return {
        "hanne": helper(
            crisis,
            "Hanne Hjælper",
            phone="+4520000001",
            email="hanne@example.dk",
            postcode="5800",
            skills=["first_aid", "care"],
            availability=["now", "weekend"],
        ),
        "ib": helper(
            crisis,
            "Ib Bærer",
            phone="+4520000002",
            postcode="5853",
            skills=["practical"],
            availability=["weekday_evening"],
        ),
        "jens": helper(
            crisis,
            "Jens Jylland",
            email="jens@example.dk",
            postcode="8000",
            skills=["first_aid"],
            availability=["weekday_day"],
        ),
        "lise": helper(
            crisis,
            "Lise Kok",
            email="lise@example.dk",
            postcode="5800",
            skills=["cooking"],
            availability=["weekend"],
        ),
    }


@pytest.fixture
def frida_member(frida, roklub) -> User:
    Membership.objects.create(user=frida, organisation=roklub, started_on=date(2024, 1, 1))
    return frida


def post_need(crisis: Crisis, by: User, **changes: object) -> Need:
    start = next_weekday(5, 10)  # a Saturday morning
    fields: dict = {
        "title": "Sandsække ved havnen",
        "place": "Nyborg Havn, Havnegade 1",
        "postcode": "5800",
        "starts_at": start,
        "ends_at": start + timedelta(hours=4),
        "wanted": 2,
        "skills": ["first_aid", "practical"],
        "description": "Tag støvler på.",
    }
    fields.update(changes)
    return need_post(crisis=crisis, by=by, **fields)


@pytest.fixture
def need(crisis, rasmus) -> Need:
    return post_need(crisis, rasmus)

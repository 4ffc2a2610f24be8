"""A flood in Nyborg: Nanna (the site's admin) switches crisis mode on for Nyborg Roklub,
whose coordinator Rasmus reads the helpers; Kim coordinates another association and
Frida is a volunteer: neither sees the helpers. Anders (VisitAarhus) sees nothing."""

import pytest

from apps.accounts.models import User
from apps.crisis.models import Crisis, Helper
from apps.crisis.services import crisis_start, helper_register
from apps.organisations.models import OrganisationRole
from tests.personas import person


@pytest.fixture
def rasmus(roklub) -> User:
    rasmus = person("Rasmus")
    OrganisationRole.objects.create(
        organisation=roklub, user=rasmus, role=OrganisationRole.Role.COORDINATOR
    )
    return rasmus


@pytest.fixture
def flood(roklub, nanna) -> Crisis:
    return crisis_start(
        organisation=roklub,
        title="Oversvømmelse i Nyborg",
        public_text="Stormfloden har ramt havnen.",
        stand_down_days=30,
        by=nanna,
    )


def register(crisis: Crisis, **extra) -> Helper:
    fields = {
        "name": "Ada Hansen",
        "phone": "12 34 56 78",
        "email": "",
        "postcode": "5800",
        "skills": ["practical"],
        "availability": ["now"],
        **extra,
    }
    return helper_register(crisis=crisis, **fields)


FORM = {
    "name": "Ada Hansen",
    "phone": "12 34 56 78",
    "email": "ada@example.dk",
    "postcode": "5800",
    "skills": ["practical", "driving"],
    "availability": ["now", "weekend"],
    "consent": "on",
}

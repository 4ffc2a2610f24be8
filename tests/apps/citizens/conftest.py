"""Nyborg Roklub runs a befriending programme ("Besøgsven", funded by a foundation).
Rasmus coordinates the club; Sofie is a social worker at the municipality's home care who
may refer citizens (the role "referrer") and see nothing else. Frida and Bo are the club's
members: Frida speaks Arabic, lives in Nyborg, is free on Tuesday afternoons and has
accepted the collaboration agreement; Bo has not. Kim coordinates another association.
Nanna is the site's admin; Anders is in another tenant."""

from datetime import date

import pytest

from apps.accounts.models import User
from apps.citizens.models import Programme, Referral
from apps.citizens.services.referrals import programme_create, referral_create
from apps.members.models import Membership, Profile, Tag
from apps.organisations.models import Organisation, OrganisationRole
from apps.recruitment.models import Onboarding
from tests.personas import person

REFERRAL = {
    "first_name": "Inger",
    "age_band": "80+",
    "postcode": "5800",
    "languages": "Dansk, Arabisk",
    "interests": "Skak, gåture",
    "practical_needs": "Rollator, ingen trapper",
    "availability": ["tue-afternoon", "thu-morning"],
    "note": "Savner selskab efter sin mands død.",
    "basis": "consent",
    "basis_note": "Samtykke givet mundtligt til Sofie 1/12",
}
SPECIAL = "Let demens; tager blodfortyndende medicin."


@pytest.fixture
def rasmus(roklub) -> User:
    rasmus = person("Rasmus")
    OrganisationRole.objects.create(
        organisation=roklub, user=rasmus, role=OrganisationRole.Role.COORDINATOR
    )
    return rasmus


@pytest.fixture
def sofie(in_nyborg) -> User:
    home_care = Organisation.objects.create(
        name="Nyborg Hjemmepleje", kind=Organisation.Kind.MUNICIPAL_UNIT, is_approved=True
    )
    sofie = person("Sofie")
    OrganisationRole.objects.create(
        organisation=home_care, user=sofie, role=OrganisationRole.Role.REFERRER
    )
    return sofie


@pytest.fixture
def programme(roklub, rasmus) -> Programme:
    return programme_create(
        actor=rasmus,
        organisation=roklub,
        name="Besøgsven",
        description="En fast ven, der kommer på besøg hver uge.",
        required_steps=[Programme.Step.AGREEMENT],
        funder="Nordea-fonden",
        grant_starts_on=date(2026, 1, 1),
        grant_ends_on=date(2027, 12, 31),
    )


def _member(user: User, roklub: Organisation, **profile) -> User:
    Membership.objects.create(user=user, organisation=roklub, started_on=date(2025, 1, 1))
    tags = profile.pop("tags", [])
    made = Profile.objects.create(user=user, status=Profile.Status.ACTIVE, **profile)
    made.tags.set(tags)
    return user


@pytest.fixture
def volunteers(roklub, frida, bo) -> dict[str, User]:
    arabic = Tag.objects.create(kind=Tag.Kind.LANGUAGE, name="Arabisk")
    chess = Tag.objects.create(kind=Tag.Kind.INTEREST, name="Skak")
    _member(frida, roklub, postcode="5800", availability=["tue-afternoon"], tags=[arabic, chess])
    _member(bo, roklub, postcode="5853", availability=["sat-morning"])
    Onboarding.objects.create(
        organisation=roklub,
        user=frida,
        starts_on=date(2025, 1, 1),
        agreement_accepted_on=date(2025, 1, 2),
    )
    return {"frida": frida, "bo": bo}


@pytest.fixture
def referral(programme, sofie) -> Referral:
    return referral_create(
        actor=sofie, programme=programme, data=dict(REFERRAL), special_category=SPECIAL
    )

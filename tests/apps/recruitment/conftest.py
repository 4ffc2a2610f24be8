"""Nyborg Roklub recruits a rowing coach. Nanna (system-owner admin) coordinates, Rasmus is
the club's coordinator and the posting's contact person; Frida applies; Kim coordinates
another association and may see nothing of it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.organisations.models import OrganisationRole
from apps.recruitment.models import Application, Posting
from apps.recruitment.services.pipeline import application_submit
from apps.recruitment.services.postings import posting_create, posting_publish
from tests.personas import person


@pytest.fixture
def rasmus(roklub):
    rasmus = person("Rasmus")
    OrganisationRole.objects.create(
        organisation=roklub, user=rasmus, role=OrganisationRole.Role.COORDINATOR
    )
    return rasmus


@pytest.fixture
def posting(roklub, nanna, rasmus) -> Posting:
    draft = posting_create(
        actor=nanna,
        organisation=roklub,
        title="Rowing coach",
        description="Teach beginners on Tuesday evenings.",
        skills="Rowing",
        hours_per_month=8,
        place="Bådhuset",
        contact_person=rasmus,
        opens_on=timezone.localdate() - timedelta(days=1),
        closes_on=timezone.localdate() + timedelta(days=30),
        needs_child_check=True,
    )
    return posting_publish(actor=nanna, posting=draft)


@pytest.fixture
def application(posting, frida) -> Application:
    return application_submit(
        user=frida,
        posting=posting,
        motivation="I rowed for ten years.",
        skills="Coaching",
        availability=["tue-evening"],
        consent=True,
    )


@pytest.fixture(autouse=True)
def _english():
    # These tests read the English source messages; pages set their own language per request.
    from django.utils import translation

    with translation.override("en"):
        yield

"""Reads of personal data are in the audit log: an application and an onboarding opened by a
coordinator (apps.recruitment views), one row per page view, shown with a readable label
on the admin's log. Fixtures: Nyborg Roklub's recruitment (tests/apps/recruitment)."""

import pytest

from apps.audit.models import AuditEvent
from apps.recruitment.models import Application
from tests.apps.recruitment.conftest import application, posting, rasmus  # noqa: F401
from tests.apps.recruitment.test_onboarding import move_to
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_it_logs_each_read_of_an_application_and_an_onboarding(
    application,  # noqa: F811
    rasmus,  # noqa: F811
    nanna,
    nyborg,
    nyborg_client,
):
    onboarding = move_to(application, rasmus, Application.Status.AGREEMENT)
    browser = signed_in(nyborg_client, rasmus, nyborg)
    AuditEvent.objects.filter(action__in=("application.read", "onboarding.read")).delete()
    for _ in range(2):
        assert browser.get(f"/rekruttering/ansoegninger/{application.pk}/").status_code == 200
    assert browser.get(f"/rekruttering/onboarding/{onboarding.pk}/").status_code == 200
    reads = AuditEvent.objects.filter(actor=rasmus.email)
    assert reads.filter(action="application.read", target_id=str(application.pk)).count() == 2
    assert reads.filter(action="onboarding.read", target_id=str(onboarding.pk)).count() == 1

    admin = signed_in(nyborg_client, nanna, nyborg)
    log = admin.get("/privatliv/revisionslog/", {"person": "Rasmus"})
    body = log.content.decode()
    assert "Læste en ansøgning" in body and "Læste et onboardingforløb" in body

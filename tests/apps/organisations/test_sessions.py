"""How long a session lasts (issue 13): Nanna (the site's admin) and Kim (a coordinator) are
signed out after Nyborg's idle minutes and told why on the sign-in page; Frida (a volunteer)
stays signed in through 13 idle days, not through 15. Anders's VisitAarhus session means
nothing on Nyborg's site."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tenants.models import Tenant
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

ACCOUNT = "/konto/"


def later(**delta) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


def is_signed_in(client) -> bool:
    return client.get(ACCOUNT).status_code == 200


def test_a_coordinator_is_signed_out_after_the_idle_minutes_and_told_why(
    nyborg, kim, nyborg_client
):
    assert nyborg.staff_idle_minutes == 60
    nyborg_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the catalogue comes later
    signed_in(nyborg_client, kim, nyborg)
    with later(minutes=61):
        response = nyborg_client.get(ACCOUNT)
        assert response.status_code == 302
        assert response.url.startswith("/konto/log-ind/?next=/konto/")
        page = nyborg_client.get(response.url).content.decode()
        assert "You were signed out after 60 minutes without activity." in page
        assert not is_signed_in(nyborg_client)


def test_staff_activity_keeps_the_session_going(nyborg, nanna, nyborg_client):
    signed_in(nyborg_client, nanna, nyborg)
    for minutes in (50, 100, 150):  # never 60 minutes apart
        with later(minutes=minutes):
            assert is_signed_in(nyborg_client), minutes


def test_the_tenants_setting_sets_the_idle_minutes(nyborg, nanna, nyborg_client):
    Tenant.objects.filter(pk=nyborg.pk).update(staff_idle_minutes=5)
    signed_in(nyborg_client, nanna, nyborg)
    with later(minutes=4):
        assert is_signed_in(nyborg_client)
    with later(minutes=10):
        assert not is_signed_in(nyborg_client)


def test_a_volunteer_stays_signed_in_through_thirteen_idle_days(nyborg, frida, nyborg_client):
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 3600
    signed_in(nyborg_client, frida, nyborg)
    with later(hours=2):
        assert is_signed_in(nyborg_client)  # no staff idle limit
    with later(days=13, hours=2):
        assert is_signed_in(nyborg_client)  # and the 14 days count from here again
    with later(days=26):
        assert is_signed_in(nyborg_client)
    with later(days=41):
        assert not is_signed_in(nyborg_client)


def test_a_volunteer_made_coordinator_gets_the_staff_limit_within_minutes(
    nyborg, frida, roklub, nyborg_client
):
    from apps.organisations.models import OrganisationRole

    signed_in(nyborg_client, frida, nyborg)
    OrganisationRole.objects.create(
        organisation=roklub, user=frida, role=OrganisationRole.Role.COORDINATOR
    )
    with later(minutes=11):
        assert is_signed_in(nyborg_client)  # looked up again: staff from now
    with later(minutes=11 + 61):
        assert not is_signed_in(nyborg_client)


def test_a_session_from_visitaarhus_is_nobody_on_nyborgs_site(
    nyborg, aarhus, anders, aarhus_client, nyborg_client
):
    signed_in(aarhus_client, anders, aarhus)
    assert aarhus_client.get(ACCOUNT).status_code == 200
    cookie = aarhus_client.cookies[settings.SESSION_COOKIE_NAME].value
    nyborg_client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert not is_signed_in(nyborg_client)

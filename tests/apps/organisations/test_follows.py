import pytest
from django.utils import timezone

from apps.organisations.models import Follow
from apps.shifts.models import Event
from tests.conftest import signed_in
from tests.personas import in_days

pytestmark = pytest.mark.django_db


def published(roklub, title, *, category=None, when=None) -> Event:
    return Event.objects.create(
        organisation=roklub,
        title=title,
        category=category,
        status="published",
        starts_at=in_days(5, 9),
        ends_at=in_days(5, 12),
        published_at=when or timezone.now(),
    )


def test_it_follows_from_the_event_page_and_stops_again(regatta, frida, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, frida, nyborg)
    form = {
        "organisation": regatta.organisation_id,
        "on": "1",
        "next": f"/arrangementer/{regatta.pk}/",
    }
    page = browser.post("/foelg/", form, follow=True).content.decode()
    assert "Du følger Nyborg Roklub" in page and "Stop med at følge" in page
    browser.post("/foelg/", {**form, "on": "0"})
    assert not Follow.objects.filter(user=frida).exists()

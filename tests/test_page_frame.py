"""The frame of every tenant page (templates/base_tenant.html and templates/includes/):
grouped staff menus behind a menu button, a short volunteer menu, the footer with the
system owner's contact details and legal pages, alerts, cards and the step indicator."""

import re
from types import ModuleType

import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.shifts.models import Event, Task
from tests.conftest import signed_in
from tests.personas import in_days, make_shift

pytestmark = pytest.mark.django_db


def html(client, path="/") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_it_groups_the_staff_menu_behind_a_real_menu_button(nanna, nyborg, nyborg_client):
    page = html(signed_in(nyborg_client, nanna, nyborg), "/rapporter/")
    assert (
        '<button type="button" class="menu-button menu-button-js" aria-expanded="false" '
        'aria-controls="site-menu" hidden>Menu</button>'
    ) in page
    assert 'href="#site-menu">Menu</a>' in page  # without JavaScript: CSS :target
    for group in ("Planlægning", "Kommunikation", "Rapporter", "Indstillinger"):
        assert group in page
    assert 'href="/rapporter/" aria-current="page">Rapporter</a>' in page
    assert 'href="/indstillinger/"' in page  # an owner admin's settings


def test_it_keeps_a_volunteers_menu_short(frida, nyborg, nyborg_client):
    page = html(signed_in(nyborg_client, frida, nyborg), "/mine-vagter/")
    for link in ("Mine vagter", "Mine grupper", "Min profil", "Log ud"):
        assert link in page
    assert "Planlægning" not in page and 'aria-controls="site-menu"' not in page


def test_it_shows_the_system_owners_contact_details_in_every_footer(nanna, nyborg, nyborg_client):
    admin = signed_in(nyborg_client, nanna, nyborg)
    form = {
        "cancel_deadline_hours": 24,
        "waitlist_stop_hours": 2,
        "reminder_hours": 24,
        "unfilled_alert_hours": 48,
        "hours_margin": 2,
        "staff_idle_minutes": 60,
        "contact_email": "frivillig@nyborg.dk",
        "contact_phone": "+45 63 33 70 00",
        "contact_address": "Torvet 1\n5800 Nyborg",
    }
    response = admin.post("/indstillinger/", form, follow=True)
    saved = response.content.decode()
    assert '<div class="alert alert-success">' in saved  # the flash message as an alert

    footer = html(nyborg_client, "/").split('<footer class="site-footer">')[1]
    assert '<a href="mailto:frivillig@nyborg.dk">frivillig@nyborg.dk</a>' in footer
    assert '<a href="tel:+4563337000">+45 63 33 70 00</a>' in footer
    assert "Torvet 1<br>5800 Nyborg" in footer
    with schema_context("public"):  # the tenant's row and its audit live there
        assert AuditEvent.objects.filter(action="tenant.settings").exists()


def test_it_refuses_a_contact_phone_with_letters(nanna, nyborg, nyborg_client):
    admin = signed_in(nyborg_client, nanna, nyborg)
    form = {
        "cancel_deadline_hours": 24,
        "waitlist_stop_hours": 2,
        "reminder_hours": 24,
        "unfilled_alert_hours": 48,
        "hours_margin": 2,
        "contact_phone": "ring til rådhuset",
    }
    assert "Brug kun cifre, mellemrum og +." in admin.post("/indstillinger/", form).content.decode()


def _legal_page(request):  # pragma: no cover - only reversed
    return HttpResponse()


urlpatterns = [
    path("privatliv/", _legal_page, name="privacy-notice"),
    path("tilgaengelighed/", _legal_page, name="accessibility-statement"),
]


def test_it_links_the_legal_pages_from_the_footer_only_once_they_exist(nyborg, settings):
    without = ModuleType("without_legal_pages")
    without.urlpatterns = []
    settings.ROOT_URLCONF = without  # a site without them
    before = render_to_string("includes/footer.html", {"tenant": nyborg})
    assert "Privatlivspolitik" not in before  # no such page: no dead link

    settings.ROOT_URLCONF = __name__
    after = render_to_string("includes/footer.html", {"tenant": nyborg})
    assert '<a href="/privatliv/">Privatlivspolitik</a>' in after
    assert '<a href="/tilgaengelighed/">Tilgængelighedserklæring</a>' in after


def test_it_shows_where_a_newcomer_is_in_registering(nyborg_client):
    page = html(nyborg_client, "/konto/tilmeld/")
    assert "Trin 1 af 3" in page
    assert '<li class="is-current" aria-current="step">' in page
    assert "Bekræft din e-mail" in page


def test_it_shows_an_events_image_with_its_description_on_the_card_and_the_page(
    roklub, nyborg_client
):
    event = Event.objects.create(
        organisation=roklub,
        title="Kapsejlads",
        status=Event.Status.PUBLISHED,
        starts_at=in_days(5, 9),
        ends_at=in_days(5, 17),
        image="events/kapsejlads.jpg",
        image_alt="Tre joller på vandet ved Nyborg havn",
    )
    make_shift(Task.objects.create(event=event, title="Hjælper"), start=in_days(5))
    card = html(nyborg_client, "/")
    image = re.search(r'<img class="card-image" src="([^"]+)" alt="([^"]*)"', card)
    assert image is not None and image[1].endswith("events/kapsejlads.jpg")
    assert image[2] == "Tre joller på vandet ved Nyborg havn"
    assert '<span class="tag tag-success">2 ledige pladser</span>' in card
    page = html(nyborg_client, f"/arrangementer/{event.pk}/")
    assert 'alt="Tre joller på vandet ved Nyborg havn" class="event-image"' in page

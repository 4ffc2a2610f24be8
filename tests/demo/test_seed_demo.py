"""`make run`'s demo: every page has something to show, and seeding twice adds nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.evaluations.models import Response
from apps.groups.models import Post
from apps.reports.figures import Period, report_figures
from apps.shifts.models import Event
from demo.management.commands._demo_history import PAST_DAYS_AGO, seed_history
from demo.management.commands._demo_marketplace import EVENTS, seed_marketplace
from demo.management.commands._demo_seasons import past_events, upcoming_title

pytestmark = pytest.mark.django_db


def test_it_seeds_history_for_reports_evaluations_and_groups_once(nyborg):
    with tenant_context(nyborg):
        for _twice in range(2):  # what seed_demo does in each demo tenant
            seed_marketplace(password="demo-password", volunteer_email="frivillig@example.dk")
            seed_history()
        today = timezone.localdate()
        figures = report_figures(Period(today - timedelta(days=100), today))
        totals = figures["totals"]
        assert totals["attended"] > 0 and totals["no_shows"] > 0 and totals["active"] == 5
        assert Response.objects.count() == 12 and Post.objects.count() == 2
        festival = Event.objects.filter(
            organisation__name="Havnefestforeningen", starts_at__gt=timezone.now()
        )
        assert festival.count() == 1


# Words in a title and the months they belong to (Denmark), written apart from the demo's
# own table so that a wrong entry there fails here.
IN_SEASON = {
    "Forårs": {3, 4, 5},
    "Påske": {3, 4},
    "Sommer": {6, 7, 8},
    "Havnefest": {5, 6, 7, 8, 9},
    "Strand": set(range(4, 11)),
    "Loppe": set(range(4, 10)),
    "Høst": {9, 10, 11},
    "Kulturnat": {9, 10},
    "Jul": {11, 12},
    "Nytår": {12, 1},
    "Vinter": {12, 1, 2, 3},
    "Fastelavn": {2, 3},
    "Lektiecafé": set(range(1, 13)) - {7},  # no homework in the summer holiday
}


def out_of_season(title: str, day: date) -> list[str]:
    return [word for word, months in IN_SEASON.items() if word in title and day.month not in months]


def test_it_names_every_demo_event_for_its_season_whatever_day_it_is_seeded():
    problems = []
    for offset in range(366 + 365):  # a leap year and the next
        today = date(2028, 1, 1) + timedelta(days=offset)
        for slot, _org, _category, ahead, _area, _tasks in EVENTS:
            day = today + timedelta(days=ahead)
            title = upcoming_title(slot, day)
            problems += [(today, title, day, word) for word in out_of_season(title, day)]
        past_days = [today - timedelta(days=days_ago) for days_ago in PAST_DAYS_AGO]
        titles = [title for title, _category in past_events(past_days)]
        assert len(set(titles)) == len(titles), today
        for title, day in zip(titles, past_days, strict=True):
            problems += [(today, title, day, word) for word in out_of_season(title, day)]
    assert problems == []


def test_it_seeds_no_spring_cleaning_in_september_when_seeded_in_december(nyborg):
    seeded_on = datetime(2026, 12, 5, 9, tzinfo=UTC)
    with time_machine.travel(seeded_on, tick=False), tenant_context(nyborg):
        seed_marketplace(password="demo-password", volunteer_email="frivillig@example.dk")
        seed_history()
        events = list(Event.objects.order_by("starts_at"))
        seen = {
            event.title: out_of_season(event.title, timezone.localtime(event.starts_at).date())
            for event in events
        }
    assert len(events) == 7
    assert {title: words for title, words in seen.items() if words} == {}


def test_it_lets_a_newcomer_sign_in_as_the_demo_admin_with_the_published_second_factor(
    nyborg, nanna, nyborg_client
):
    from base64 import b32decode

    from demo.management.commands._demo_logins import DEMO_RECOVERY_CODES, DEMO_TOTP_KEY
    from demo.management.commands._demo_twofactor import seed_second_factor
    from tests.conftest import PASSWORD
    from tests.twofactor import code_now

    with tenant_context(nyborg):
        for _twice in range(2):
            seed_second_factor(admin=nanna)
    password = {"username": "nanna@nyborg.dk", "password": PASSWORD}
    assert nyborg_client.post("/konto/log-ind/", password).status_code == 302
    code = {"token": code_now(b32decode(DEMO_TOTP_KEY).hex()), "next": "/oversigt/"}
    assert nyborg_client.post("/tofaktor/bekraeft/", code)["Location"] == "/oversigt/"
    # A recovery code works once; the next `make run` brings it back.
    nyborg_client.post("/konto/log-ud/")
    nyborg_client.post("/konto/log-ind/", password)
    recovery = {"token": DEMO_RECOVERY_CODES[0], "next": "/oversigt/"}
    assert nyborg_client.post("/tofaktor/bekraeft/", recovery)["Location"] == "/oversigt/"
    with tenant_context(nyborg):
        seed_second_factor(admin=nanna)
        from django_otp.plugins.otp_static.models import StaticToken

        assert StaticToken.objects.filter(device__user=nanna).count() == 10

"""One set of date formats (config/dates.py, config/formats/): a month reads the same on a
coordinator's page, on a public page and in Python, in Danish and in English."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from apps.shifts.models import Event
from kernel import dates
from tests.conftest import signed_in
from tests.personas import make_shift

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def test_it_abbreviates_months_the_danish_way_in_every_named_format() -> None:
    moment = datetime(2027, 1, 6, 9, 30, tzinfo=ZoneInfo("UTC"))  # 10:30 in Copenhagen
    with translation.override("da"), timezone.override(COPENHAGEN):
        assert dates.show(moment, "day_time") == "ons 6. jan. 10:30"
        assert dates.show(moment, "date_time") == "6. jan. 10:30"
        assert dates.show(moment, "long_datetime") == "onsdag 6. januar 2027 10:30"
        assert dates.show(moment.date(), "full_date") == "6. januar 2027"
        assert dates.show(moment, "clock") == "10:30"
    with translation.override("en"), timezone.override(COPENHAGEN):
        assert dates.show(moment, "day_time") == "Wed 6 Jan 10:30"
        assert dates.show(moment.date(), "full_date") == "6 January 2027"


def test_it_offers_the_same_formats_as_template_filters() -> None:
    template = Template("{% load dates %}{{ when|day_time }} · {{ when|date:'c' }}")
    moment = datetime(2027, 5, 3, 8, 0, tzinfo=ZoneInfo("UTC"))
    with translation.override("da"), timezone.override(COPENHAGEN):
        text = template.render(Context({"when": moment}))
    # Shown in the current zone; Django's own `date` filter still works beside it.
    assert text == "man 3. maj 10:00 · 2027-05-03T10:00:00+02:00"


def test_it_refuses_a_format_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="not a date format"):
        dates.show(timezone.now(), "j. M H:i")


def months_shown(html: str) -> set[str]:
    """Every "6. <month>" on a page (the event is on 6 January)."""
    return set(re.findall(r"\b6\.? ([A-Za-zæøå]+\.?)", html))


@pytest.mark.django_db
def test_it_shows_the_same_month_on_a_coordinators_page_and_a_public_page(
    nyborg, nanna, roklub, nyborg_client
) -> None:
    year = timezone.localdate().year + 1
    start = datetime(year, 1, 6, 10, 0, tzinfo=COPENHAGEN)
    event = Event.objects.create(
        organisation=roklub,
        title="Nytårskur",
        starts_at=start,
        ends_at=start.replace(hour=16),
        status=Event.Status.PUBLISHED,
    )
    make_shift(event.tasks.create(title="Garderobe"), start=start)

    public_list = nyborg_client.get("/").content.decode()
    public_event = nyborg_client.get(f"/arrangementer/{event.pk}/").content.decode()
    coordinator = signed_in(nyborg_client, nanna, nyborg)
    planning = coordinator.get(f"/planlaeg/arrangementer/{event.pk}/").content.decode()

    assert months_shown(public_list) == {"jan."}, months_shown(public_list)
    assert "jan." in months_shown(public_event) or "januar" in months_shown(public_event)
    assert months_shown(planning) <= {"jan.", "januar"}, months_shown(planning)
    assert "jan." in months_shown(planning)
    assert "Jan" not in planning + public_list + public_event

"""The planning grid in a real browser, at a phone's and a laptop's width: the week of an
event's shifts with how full each is (in words, not by colour alone), the count of chosen
shifts updated by htmx as boxes are ticked, the day view as a list, a change of places for
a whole day, and the page that asks before cancelling. Every page: axe-core (WCAG 2.1 AA),
no sideways scrolling (on a phone the week's table becomes a list by task and day), a
screenshot (test-artifacts/screenshots/planning-grid-<width>.png and friends).

Rows are committed from a thread of their own and removed again afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, SignUp, Task
from tests.browser.conftest import Site, check_page, committed, messages_remove, sign_in, sign_out

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tenants.models import Tenant

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"
CLUB = "Nyborg Roklub (grid browsertest)"
PREFIX = "grid.browser"
TOUCHED = (Session, User, Organisation, Event, Task, Shift, SignUp, AuditEvent)


@dataclass(frozen=True)
class Regatta:
    event_id: int
    day: str  # the event's first day, yyyy-mm-dd
    shift_ids: list[int]


@pytest.fixture
def regatta(nyborg: Tenant) -> Iterator[Regatta]:
    """Two days of shifts in two tasks, one in each fill state."""

    def create() -> Regatta:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        day = timezone.localtime() + timedelta(days=10)
        if day.weekday() == 6:  # both days in one week
            day += timedelta(days=1)
        start = day.replace(hour=8, minute=0, second=0, microsecond=0)
        event = Event.objects.create(
            organisation=club,
            title="Nyborg Regatta",
            starts_at=start,
            ends_at=start + timedelta(days=1, hours=10),
            status=Event.Status.PUBLISHED,
        )
        kiosk = Task.objects.create(event=event, title="Kiosk")
        parking = Task.objects.create(event=event, title="Parkering og trafikvagter")
        specs: list[tuple[Task, int, int, dict[str, int | bool]]] = [
            (kiosk, 0, 2, {"confirmed_count": 2}),
            (kiosk, 3, 4, {"confirmed_count": 2, "offered_count": 1, "waitlist_count": 2}),
            (kiosk, 6, 4, {"confirmed_count": 1}),
            (parking, 0, 3, {}),
            (parking, 4, 3, {"is_cancelled": True}),
            (parking, 24, 5, {"confirmed_count": 4}),
            (kiosk, 26, 2, {}),
        ]
        shifts = [
            Shift.objects.create(
                task=task,
                starts_at=start + timedelta(hours=hours),
                ends_at=start + timedelta(hours=hours + 3),
                capacity=capacity,
                **extra,
            )
            for task, hours, capacity, extra in specs
        ]
        for n in range(2):  # the full shift's two people, for the count of who is told
            user = User.objects.create_user(f"{PREFIX}.{n}@example.dk", full_name=f"Frivillig {n}")
            SignUp.objects.create(shift=shifts[0], user=user, status=SignUp.Status.CONFIRMED)
        return Regatta(event.pk, start.date().isoformat(), [shift.pk for shift in shifts])

    def remove() -> None:
        events = Event.objects.filter(organisation__name=CLUB)
        shifts = Shift.objects.filter(task__event__in=events)
        for target_type, ids in (
            ("shifts.Event", events.values_list("pk", flat=True)),
            ("shifts.Shift", shifts.values_list("pk", flat=True)),
        ):
            AuditEvent.objects.filter(
                target_type=target_type, target_id__in=[str(pk) for pk in ids]
            ).delete()
        messages_remove(CLUB, User.objects.filter(email__startswith=PREFIX))
        events.delete()  # tasks, shifts and sign-ups with them
        Organisation.objects.filter(name=CLUB).delete()
        User.objects.filter(email__startswith=PREFIX).delete()

    yield from committed(nyborg, create, remove, TOUCHED)


def test_a_coordinator_plans_many_shifts_in_the_grid(
    regatta: Regatta, page: Page, site: Site, axe_source: str, width: int
) -> None:
    from playwright.sync_api import expect

    grid = f"/planlaeg/arrangementer/{regatta.event_id}/oversigt/"
    try:
        page.goto(site.url(NYBORG, f"/konto/log-ind/?next={grid}"))
        sign_in(page, NANNA)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Vagtoversigt")
        table = page.get_by_role("table", name="Vagter fra")
        expect(table).to_be_visible()
        for state in ("Fuld", "Næsten fuld", "Ledige pladser", "Tom", "Aflyst"):
            expect(table.get_by_text(state, exact=True).first).to_be_visible()
        check_page(page, axe_source, "planning-grid")

        status = page.locator("#grid-selection")
        expect(status).to_contain_text("Ingen vagter valgt")
        page.get_by_role("checkbox").first.check()
        expect(status).to_contain_text("1 vagt valgt")  # htmx, without leaving the page

        page.get_by_role("button", name="Vælg alle vagter i ugen").click()
        expect(status).to_contain_text("6 vagter valgt")  # the cancelled one cannot be chosen
        page.get_by_role("button", name="Aflys vagterne …").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Aflys 6 vagter?")
        expect(page.get_by_text("2 tilmeldte, tilbudte eller ventende får besked")).to_be_visible()
        check_page(page, axe_source, "planning-grid-cancel")
        page.get_by_role("link", name="Nej, behold dem").click()

        page.get_by_role("link", name="Dag", exact=True).click()
        expect(page.get_by_role("heading", name="Fra kl. 08:00")).to_be_visible()
        check_page(page, axe_source, "planning-grid-day")
        page.get_by_role("button", name="Ryd valget").click()
        page.get_by_role("button", name="Vælg alle vagter på dagen").click()
        expect(status).to_contain_text("4 vagter valgt")
        page.get_by_label("Nyt antal pladser").fill("6")
        page.get_by_role("button", name="Ret antal pladser").click()
        expect(page.get_by_role("status").first).to_contain_text("4 vagter har nu 6 pladser hver.")
        expect(page.locator(".grid-cell").filter(has_text="2/6 tilmeldt")).to_have_count(2)
    finally:
        sign_out(page)

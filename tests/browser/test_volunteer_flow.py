"""A volunteer's whole journey in a real browser: find an event, sign in, take the last place,
give it up, and watch the next in line get it without anyone lifting a finger.

The live server thread has its own database connection and sees only committed rows, so the
regatta and its two volunteers are committed from a thread of their own (as in
tests/apps/shifts/test_concurrency.py) and removed again afterwards, sessions included; the
fixture checks that every table it touched is back to its old row count.

Screenshots of each step: test-artifacts/screenshots/flow-<step>-<width>.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, SignUp, Task
from tenants.models import Tenant
from tests.browser.conftest import (
    WIDTHS,
    Site,
    assert_no_horizontal_scroll,
    check_page,
    committed,
    messages_remove,
    screenshot,
    sign_in,
    sign_out,
)
from tests.conftest import PASSWORD
from tests.threads import in_tenant

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

NYBORG = "nyborg.localhost"
CLUB = "Nyborg Sejlklub (browsertest)"
TITLE = "Browser-regatta"
DECOY = "Browser-havnefest"  # also on the marketplace, so the search has something to hide
FRIDA = "frida.browser@example.dk"
BO = "bo.browser@example.dk"
TOUCHED = (User, Session, Organisation, Event, Task, Shift, SignUp, AuditEvent)


@dataclass(frozen=True)
class Regatta:
    event_id: int
    shift_id: int


@pytest.fixture
def regatta(nyborg: Tenant) -> Iterator[Regatta]:
    """A published public event with one task and one shift of one place; Frida and Bo."""

    def create() -> Regatta:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        # Ten days ahead, mid-morning: far from the cancellation deadline and the time when
        # the waitlist stops moving by itself.
        day = timezone.localtime() + timedelta(days=10)
        start = day.replace(hour=10, minute=0, second=0, microsecond=0)
        shift = None
        for title in (TITLE, DECOY):
            event = Event.objects.create(
                organisation=club,
                title=title,
                location_name="Nyborg Havn",
                starts_at=start,
                ends_at=start + timedelta(hours=6),
                status=Event.Status.PUBLISHED,
                visibility=Event.Visibility.PUBLIC,
                published_at=timezone.now(),
            )
            task = Task.objects.create(event=event, title="Hjælper på broen")
            made = Shift.objects.create(
                task=task, starts_at=start, ends_at=start + timedelta(hours=3), capacity=1
            )
            shift = shift or made
        User.objects.create_user(FRIDA, PASSWORD, full_name="Frida Flow")
        User.objects.create_user(BO, PASSWORD, full_name="Bo Bølge")
        assert shift is not None
        return Regatta(event_id=shift.task.event_id, shift_id=shift.pk)

    def remove() -> None:
        people = User.objects.filter(email__in=(FRIDA, BO))
        ids = {str(pk) for pk in people.values_list("pk", flat=True)}
        # Signing out deletes a session; these are the ones a failed test left behind.
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") in ids:
                session.delete()
        signups = SignUp.objects.filter(shift__task__event__organisation__name=CLUB)
        targets = [str(pk) for pk in signups.values_list("pk", flat=True)]
        AuditEvent.objects.filter(target_type="shifts.SignUp", target_id__in=targets).delete()
        signups.delete()
        messages_remove(CLUB, people)
        Event.objects.filter(organisation__name=CLUB).delete()  # tasks and shifts with it
        Organisation.objects.filter(name=CLUB).delete()
        people.delete()

    yield from committed(nyborg, create, remove, TOUCHED)


@pytest.fixture
def second_page(browser: Browser, site: Site, width: int, _http_cookies: None) -> Iterator[Page]:
    """Another person's browser: a context of its own, so no cookies are shared."""
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]},
        locale="da-DK",
        timezone_id="Europe/Copenhagen",
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def step(page: Page, name: str) -> None:
    """A screenshot of a step in the flow, and no sideways scrolling on a phone."""
    screenshot(page, f"flow-{name}")
    assert_no_horizontal_scroll(page)


def signup_rows(nyborg: Tenant, shift_id: int) -> dict[str, Any]:
    def read() -> dict[str, Any]:
        shift = Shift.objects.get(pk=shift_id)
        signups = SignUp.objects.filter(shift_id=shift_id).select_related("user")
        return {
            "statuses": {s.user.email: s.status for s in signups},
            "reasons": {s.user.email: s.reason for s in signups if s.reason},
            "counters": (shift.confirmed_count, shift.offered_count, shift.waitlist_count),
        }

    return in_tenant(nyborg, read)


def test_it_lets_volunteers_sign_up_cancel_and_the_next_in_line_gets_the_place(
    regatta: Regatta,  # first: set up before the browsers, removed after they are closed
    page: Page,
    second_page: Page,
    site: Site,
    axe_source: str,
    nyborg: Tenant,
) -> None:
    from playwright.sync_api import expect

    frida, bo = page, second_page
    event_path = f"/arrangementer/{regatta.event_id}/"
    shift = f"#vagt-{regatta.shift_id}"
    try:
        # Frida browses the marketplace and narrows it down with the search box; the list
        # is replaced in place (htmx), not by loading a new page.
        frida.goto(site.url(NYBORG))
        results = frida.locator("#results")
        expect(results.get_by_role("link", name=DECOY)).to_be_visible()
        frida.evaluate("() => { window.sameDocument = true; }")
        frida.get_by_label("Søg").press_sequentially(TITLE, delay=20)
        expect(frida.locator("#results-title")).to_have_text("1 arrangement")
        expect(frida).to_have_url(re.compile(rf"\?q={TITLE}"))  # pushed, so Back works
        assert frida.evaluate("() => window.sameDocument === true"), "the page was reloaded"
        expect(results.get_by_role("link", name=DECOY)).to_have_count(0)
        expect(results.get_by_text("1 ledig plads")).to_be_visible()
        step(frida, "search")

        results.get_by_role("link", name=TITLE).click()
        frida.wait_for_load_state()
        expect(frida).to_have_url(site.url(NYBORG, event_path))  # waits for the navigation
        expect(frida.get_by_role("heading", level=1)).to_have_text(TITLE)
        check_page(frida, axe_source, "flow-event")

        # "Tilmeld" as a stranger leads to registration; she has an account, so she takes
        # the sign-in link there, and signing in brings her back to the event.
        frida.locator(shift).get_by_role("button", name="Tilmeld").click()
        frida.wait_for_load_state()
        expect(frida.get_by_role("heading", level=1)).to_have_text("Bliv frivillig")
        step(frida, "register")
        frida.get_by_role("main").get_by_role("link", name="Log ind").click()
        frida.wait_for_load_state()
        expect(frida).to_have_url(re.compile(re.escape(site.url(NYBORG, "/konto/log-ind/?next="))))
        step(frida, "sign-in")
        sign_in(frida, FRIDA)
        # Back on the event; the anchor to the shift does not survive the trip (yet).
        expect(frida).to_have_url(re.compile(re.escape(site.url(NYBORG, event_path)) + "(#.*)?$"))

        frida.locator(shift).get_by_role("button", name="Tilmeld").click()
        frida.wait_for_load_state()
        expect(frida).to_have_url(site.url(NYBORG, event_path + shift))
        expect(frida.get_by_role("status")).to_contain_text("Du er tilmeldt. Vi ses!")
        expect(frida.locator(shift)).to_contain_text("Du er tilmeldt")
        check_page(frida, axe_source, "flow-signed-up")

        # Bo signs in first, from the header, then finds the event: the place is taken,
        # so he joins the waitlist.
        bo.goto(site.url(NYBORG))
        bo.get_by_role("banner").get_by_role("link", name="Log ind").click()
        bo.wait_for_load_state()
        sign_in(bo, BO)
        expect(bo).to_have_url(site.url(NYBORG, "/oversigt/"))  # his home (apps/home) first
        bo.goto(site.url(NYBORG))
        bo.locator("#results").get_by_role("link", name=TITLE).click()
        bo.wait_for_load_state()
        expect(bo.locator(shift)).to_contain_text("Fuld")
        bo.locator(shift).get_by_role("button", name="Skriv mig på ventelisten").click()
        bo.wait_for_load_state()
        expect(bo.locator(shift)).to_contain_text("Du er nummer 1 på ventelisten")
        check_page(bo, axe_source, "flow-waitlisted")
        bo.get_by_role("banner").get_by_role("link", name="Mine vagter").click()
        bo.wait_for_load_state()
        expect(bo.get_by_role("region", name="På venteliste")).to_contain_text(
            "Nummer 1 på ventelisten"
        )
        expect(bo.get_by_role("region", name="Kommende")).to_contain_text("Ingen kommende vagter")
        step(bo, "bo-waiting")
        assert signup_rows(nyborg, regatta.shift_id)["statuses"] == {
            FRIDA: "confirmed",
            BO: "waitlisted",
        }

        # Frida cannot come after all: she cancels from "Mine vagter", giving a reason.
        frida.get_by_role("banner").get_by_role("link", name="Mine vagter").click()
        frida.wait_for_load_state()
        upcoming = frida.get_by_role("region", name="Kommende")
        expect(upcoming.get_by_role("link", name=TITLE)).to_be_visible()
        check_page(frida, axe_source, "flow-my-shifts")
        upcoming.get_by_text("Meld afbud", exact=True).click()
        upcoming.get_by_label("Begrundelse (valgfri)").fill("Jeg er blevet syg")
        step(frida, "cancel-reason")
        mail.outbox.clear()
        upcoming.get_by_role("button", name="Bekræft afbud").click()
        frida.wait_for_load_state()
        expect(frida).to_have_url(site.url(NYBORG, "/mine-vagter/"))
        expect(frida.get_by_role("status")).to_contain_text("Dit afbud er registreret")
        expect(frida.get_by_role("region", name="Kommende")).to_contain_text(
            "Ingen kommende vagter"
        )
        expect(frida.get_by_role("region", name="Historik")).to_contain_text(TITLE)
        check_page(frida, axe_source, "flow-cancelled")

        # The place went to Bo during Frida's request (the fill runs when her cancellation
        # commits; Celery is eager here), and he was told by mail.
        rows = signup_rows(nyborg, regatta.shift_id)
        assert rows["statuses"] == {FRIDA: "cancelled", BO: "confirmed"}
        assert rows["reasons"] == {FRIDA: "Jeg er blevet syg"}
        assert rows["counters"] == (1, 0, 0)  # confirmed, offered, waiting
        to_bo = [message for message in mail.outbox if message.to == [BO]]
        assert [message.subject for message in to_bo] == [
            f"Du er rykket op fra ventelisten: {TITLE}"
        ]
        assert "den er din" in to_bo[0].body
        assert "/mine-vagter/" in to_bo[0].body

        # Bo reloads his shifts: the shift is his, under "Kommende", and the line is gone.
        bo.reload()
        expect(bo.get_by_role("region", name="Kommende").get_by_role("link")).to_have_text([TITLE])
        expect(bo.get_by_role("region", name="På venteliste")).to_have_count(0)
        check_page(bo, axe_source, "flow-promoted")
    finally:
        sign_out(frida)
        sign_out(bo)

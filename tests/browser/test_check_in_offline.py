"""A volunteer's check-in in a sports hall without network, in a real browser: Frida
scans the shift's code online once (the service worker is installed and keeps the
offline check-in page), the network goes (Playwright's set_offline), she scans again and
presses "Tjek ind", the page says it is offline and that her check-in waits, the network
comes back, and the database has her attendance with the time she pressed. axe-core and
the 360 px check on the page offline; screenshots
test-artifacts/screenshots/check-in-offline-<width>.png.

Rows are committed from a thread of their own and removed again afterwards."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session

from apps.accounts.models import User
from apps.attendance.models import Attendance, OfflineTick
from apps.attendance.services import shift_token
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, SignUp, Task
from tests.browser.conftest import Site, check_page, committed, sign_in, sign_out
from tests.browser.offline_hall import hall_remove, hall_shift
from tests.conftest import PASSWORD
from tests.threads import in_tenant

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tenants.models import Tenant

NYBORG = "nyborg.localhost"
CLUB = "Nyborg Roklub (check-in offline browsertest)"
PREFIX = "checkin.offline.browser"
FRIDA = f"{PREFIX}.frida@example.dk"
CHECK_IN = "form.check-in-form:has(input[name=action][value=in]) button"
CHECK_OUT = "form.check-in-form:has(input[name=action][value=out]) button"
KEPT = """async () => {
  const cache = await caches.open("tovholder-roll-call-v1");
  const shell = await cache.match("/fremmoede/ind/uden-net/");
  return !!shell && !!navigator.serviceWorker.controller;
}"""
TOUCHED = (Session, User, Organisation, Event, Task, Shift, SignUp, Attendance, AuditEvent)


@dataclass(frozen=True)
class Hall:
    shift_id: int
    frida: int  # her sign-up


@pytest.fixture
def hall(nyborg: Tenant) -> Iterator[Hall]:
    """Today's shift in the sports hall, begun half an hour ago, with Frida on it."""

    def create() -> Hall:
        shift = hall_shift(CLUB)
        frida = User.objects.create_user(FRIDA, PASSWORD, full_name="Frida Offline")
        signup = SignUp.objects.create(shift=shift, user=frida, status=SignUp.Status.CONFIRMED)
        return Hall(shift.pk, signup.pk)

    def remove() -> None:
        hall_remove(CLUB, PREFIX)

    yield from committed(nyborg, create, remove, TOUCHED)


def _wait_for_the_worker(page: Page) -> None:
    # evaluate awaits the promise (wait_for_function would take the promise as true).
    for _try in range(100):
        if page.evaluate(KEPT):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(KEPT)


def test_it_keeps_a_check_in_made_without_network_and_sends_it_later(
    hall: Hall, page: Page, site: Site, axe_source: str, nyborg: Tenant
) -> None:
    from playwright.sync_api import expect

    token = in_tenant(nyborg, lambda: shift_token(hall.shift_id))
    scan = f"/fremmoede/ind/{hall.shift_id}/{token}/"
    status = page.locator("#check-in-sync")
    try:
        page.goto(site.url(NYBORG, f"/konto/log-ind/?next={scan}"))
        sign_in(page, FRIDA)
        expect(page.locator(CHECK_IN)).to_be_visible()
        # The service worker keeps the offline check-in page while online ...
        _wait_for_the_worker(page)
        page.context.set_offline(True)
        # ... and opens it for a code scanned without network.
        page.reload()
        expect(status).to_contain_text(re.compile("offline", re.IGNORECASE))
        before = datetime.now(UTC)
        page.locator(CHECK_IN).click()
        after = datetime.now(UTC)
        expect(status).to_contain_text(re.compile("(sendes, når|sent when the network)"))
        check_page(page, axe_source, "check-in-offline")
        assert not in_tenant(
            nyborg, lambda: Attendance.objects.filter(signup_id=hall.frida).count()
        )

        page.context.set_offline(False)  # the online event sends the queue
        expect(status).to_have_text("")
        expect(page.locator("#check-in-results")).to_be_visible()
        attendance = in_tenant(nyborg, lambda: Attendance.objects.get(signup_id=hall.frida))
        assert attendance.status == "late"  # the shift began half an hour before
        slack = timedelta(seconds=2)  # the browser's clock is this machine's; ms rounding
        assert attendance.checked_in_at is not None
        assert before - slack <= attendance.checked_in_at <= after + slack
        tick = in_tenant(nyborg, lambda: OfflineTick.objects.get(signup_id=hall.frida))
        assert tick.outcome == "applied" and tick.made_at == attendance.checked_in_at
        assert page.evaluate("localStorage.getItem('tovholder.check-in')") == "[]"
    finally:
        page.context.set_offline(False)
        sign_out(page)


def test_it_keeps_a_check_out_made_without_network_and_sends_it_later(
    hall: Hall, page: Page, site: Site, nyborg: Tenant
) -> None:
    """Frida checked in online; leaving, she scans the code again in the hall without
    network: the kept page offers the check-out, which waits on the phone and is saved
    with the time she pressed when the network returns."""
    from playwright.sync_api import expect

    token = in_tenant(nyborg, lambda: shift_token(hall.shift_id))
    scan = f"/fremmoede/ind/{hall.shift_id}/{token}/"
    status = page.locator("#check-in-sync")
    try:
        page.goto(site.url(NYBORG, f"/konto/log-ind/?next={scan}"))
        sign_in(page, FRIDA)
        _wait_for_the_worker(page)  # she opened the code online once that day
        page.locator(CHECK_IN).click()  # online: the form posts
        expect(page.locator(CHECK_OUT)).to_be_visible()
        checked_in = in_tenant(nyborg, lambda: Attendance.objects.get(signup_id=hall.frida))
        assert checked_in.checked_in_at is not None and checked_in.checked_out_at is None

        page.context.set_offline(True)
        page.goto(site.url(NYBORG, scan))  # the code scanned again, without network
        expect(status).to_contain_text(re.compile("offline", re.IGNORECASE))
        before = datetime.now(UTC)
        page.locator(CHECK_OUT).click()
        after = datetime.now(UTC)
        expect(status).to_contain_text(re.compile("(sendes, når|sent when the network)"))
        waiting = page.evaluate("JSON.parse(localStorage.getItem('tovholder.check-in'))")
        assert [item["action"] for item in waiting] == ["out"]
        still = in_tenant(nyborg, lambda: Attendance.objects.get(signup_id=hall.frida))
        assert still.checked_out_at is None

        page.context.set_offline(False)  # the online event sends the queue
        expect(status).to_have_text("")
        expect(page.locator("#check-in-results")).to_be_visible()
        attendance = in_tenant(nyborg, lambda: Attendance.objects.get(signup_id=hall.frida))
        slack = timedelta(seconds=2)  # the browser's clock is this machine's; ms rounding
        assert attendance.checked_out_at is not None
        assert before - slack <= attendance.checked_out_at <= after + slack
        assert attendance.checked_in_at == checked_in.checked_in_at
        tick = in_tenant(nyborg, lambda: OfflineTick.objects.get(signup_id=hall.frida))
        assert tick.outcome == "applied" and tick.made_at == attendance.checked_out_at
        assert page.evaluate("localStorage.getItem('tovholder.check-in')") == "[]"
    finally:
        page.context.set_offline(False)
        sign_out(page)

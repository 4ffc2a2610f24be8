"""The roll call in a sports hall without network, in a real browser: Nanna opens the roll
call online, the network goes (Playwright's set_offline), she ticks Frida and Bo, the page
says it is offline and that 2 ticks wait, the network comes back, and the database has
both attendances with the times she tapped. axe-core and the 360 px check on the page
online and offline; screenshots test-artifacts/screenshots/roll-call-offline-<width>.png.

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
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, SignUp, Task
from tests.browser.conftest import Site, check_page, committed, sign_in, sign_out
from tests.browser.offline_hall import hall_remove, hall_shift
from tests.threads import in_tenant

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tenants.models import Tenant

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"
CLUB = "Nyborg Roklub (offline browsertest)"
PREFIX = "offline.browser"
TOUCHED = (Session, User, Organisation, Event, Task, Shift, SignUp, Attendance, AuditEvent)


@dataclass(frozen=True)
class Hall:
    shift_id: int
    frida: int  # sign-up ids
    bo: int


@pytest.fixture
def hall(nyborg: Tenant) -> Iterator[Hall]:
    """Today's shift in the sports hall, with Frida and Bo on it."""

    def create() -> Hall:
        shift = hall_shift(CLUB)
        ids = []
        for name in ("Frida", "Bo"):
            user = User.objects.create_user(
                f"{PREFIX}.{name.lower()}@example.dk", full_name=f"{name} Offline"
            )
            signup = SignUp.objects.create(shift=shift, user=user, status=SignUp.Status.CONFIRMED)
            ids.append(signup.pk)
        return Hall(shift.pk, *ids)

    def remove() -> None:
        hall_remove(CLUB, PREFIX)

    yield from committed(nyborg, create, remove, TOUCHED)


def test_it_keeps_ticking_without_network_and_sends_the_ticks_later(
    hall: Hall, page: Page, site: Site, axe_source: str, nyborg: Tenant
) -> None:
    from playwright.sync_api import expect

    roll_call = f"/fremmoede/vagter/{hall.shift_id}/"
    status = page.locator("#roll-call-sync")
    try:
        page.goto(site.url(NYBORG, f"/konto/log-ind/?next={roll_call}"))
        sign_in(page, NANNA)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Fremmøde")
        check_page(page, axe_source, "roll-call-online")

        # The service worker keeps the page and its assets while online ...
        kept = """async () => {
          const cache = await caches.open("tovholder-roll-call-v1");
          const page = await cache.match(location.pathname);
          return !!page && !!navigator.serviceWorker.controller;
        }"""
        # evaluate awaits the promise (wait_for_function would take the promise as true).
        for _try in range(100):
            if page.evaluate(kept):
                break
            page.wait_for_timeout(100)
        assert page.evaluate(kept)
        page.context.set_offline(True)
        # ... so that it opens again without network (a reload in the hall).
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Fremmøde")
        expect(status).to_contain_text(re.compile("offline", re.IGNORECASE))
        before = datetime.now(UTC)
        page.locator(f"#p-{hall.frida} form[data-status=present] button").click()
        page.locator(f"#p-{hall.bo} form[data-status=late] button").click()
        after = datetime.now(UTC)
        expect(status).to_contain_text(re.compile(r"2 (markeringer venter|ticks are waiting)"))
        # Shown on the page at once, before the server knows.
        pressed = page.locator(f"#p-{hall.frida} form[data-status=present] button")
        expect(pressed).to_have_attribute("aria-pressed", "true")
        check_page(page, axe_source, "roll-call-offline")
        assert not in_tenant(nyborg, lambda: OfflineTick.objects.count())

        page.context.set_offline(False)  # the online event sends the queue
        expect(status).to_have_text("")
        ticks = in_tenant(
            nyborg,
            lambda: {
                t.signup_id: (t.made_at, t.outcome, t.signup.attendance.status)
                for t in OfflineTick.objects.select_related("signup__attendance").filter(
                    signup_id__in=[hall.frida, hall.bo]
                )
            },
        )
        assert {k: v[1:] for k, v in ticks.items()} == {
            hall.frida: ("applied", "present"),
            hall.bo: ("applied", "late"),
        }
        # The times of the taps, not of the sending.
        slack = timedelta(seconds=2)  # the browser's clock is this machine's; ms rounding
        for made_at, _outcome, _status in ticks.values():
            assert before - slack <= made_at <= after + slack
        assert page.evaluate(f"localStorage.getItem('tovholder.roll-call.{hall.shift_id}')") == "[]"
    finally:
        page.context.set_offline(False)
        mine = OfflineTick.objects.filter(signup__shift_id=hall.shift_id)
        in_tenant(nyborg, lambda: mine.delete())
        sign_out(page)

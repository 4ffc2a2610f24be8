"""A volunteer record in a real browser at 360 and 1280 px: Nanna ticks her hours in Bevis
Roklub, issues the record, and the public check page says it is genuine; axe-clean."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session

from apps.accounts.models import User
from apps.attendance.models import Attendance
from apps.audit.models import AuditEvent
from apps.credentials.models import IssuedRecord
from apps.organisations.models import Organisation
from apps.shifts.models import Event, SignUp
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed, sign_in, sign_out
from tests.personas import in_days, make_shift

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"
CLUB = "Bevis Roklub"
TOUCHED = (Session, IssuedRecord, Attendance, SignUp, Event, Organisation)


@pytest.fixture
def nannas_hours(nyborg: Tenant) -> Iterator[None]:
    def create() -> None:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        event = Event.objects.create(
            organisation=club,
            title="Bevis Regatta",
            starts_at=in_days(-3, 8),
            ends_at=in_days(-3, 20),
            status=Event.Status.PUBLISHED,
        )
        shift = make_shift(event.tasks.create(title="Kiosk"), start=in_days(-3))
        nanna = User.objects.get(email=NANNA)
        signup = SignUp.objects.create(shift=shift, user=nanna, status=SignUp.Status.CONFIRMED)
        Attendance.objects.create(signup=signup, status="present", hours=Decimal("3"))

    def remove() -> None:
        IssuedRecord.objects.filter(holder__email=NANNA).delete()
        AuditEvent.objects.filter(action__startswith="credential.").delete()
        Event.objects.filter(organisation__name=CLUB).delete()
        Organisation.objects.filter(name=CLUB).delete()

    yield from committed(nyborg, create, remove, TOUCHED)


def test_it_issues_a_record_and_the_public_page_says_it_is_genuine(
    page: Page, site: Site, axe_source: str, nannas_hours: None
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, "/konto/log-ind/?next=/konto/bevis/"))
    sign_in(page, NANNA)
    try:
        check_page(page, axe_source, "credentials-mine")
        # Selectors that hold in either language (the Danish comes with the lead's catalogue).
        page.get_by_role("checkbox", name=CLUB).check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        check_page(page, axe_source, "credentials-detail")
        page.get_by_role("main").locator("a[href^='/bevis/']").click()
        page.wait_for_load_state()
        expect(page.locator("main .alert-success[role=status]")).to_be_visible()
        expect(page.get_by_role("main")).to_contain_text(CLUB)
        expect(page.get_by_role("main")).not_to_contain_text("Kiosk")
        check_page(page, axe_source, "credentials-public")
        page.goto(site.url(NYBORG, "/bevis/tjek/"))
        check_page(page, axe_source, "credentials-check")
    finally:
        sign_out(page)  # her session row: the next test counts sessions

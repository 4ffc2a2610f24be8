"""A coordinator reference in a real browser at 360 and 1280 px: Frida asks Nanna (who
coordinates Anbefaling Roklub) for a reference from her record page; Nanna writes it on her
page; Frida ticks it into a record and the public check page shows it. axe-clean."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session

from apps.accounts.models import User
from apps.attendance.models import Attendance
from apps.audit.models import AuditEvent
from apps.credentials.models import IssuedRecord, Reference
from apps.messaging.models import Message
from apps.organisations.models import Organisation, OrganisationRole
from apps.shifts.models import Event, SignUp
from tenants.models import Tenant
from tests.browser.conftest import (
    Site,
    check_page,
    committed,
    messages_remove,
    sign_in,
    sign_out,
)
from tests.conftest import PASSWORD
from tests.personas import in_days, make_shift
from tests.threads import in_tenant

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"
FRIDA = "reference.browser.frida@example.dk"
CLUB = "Anbefaling Roklub"
TEXT = "Frida holdt kiosken kørende hele regattaen, altid venlig og rolig."
TOUCHED = (
    Session,
    User,
    IssuedRecord,
    Reference,
    Attendance,
    SignUp,
    Event,
    Organisation,
    OrganisationRole,
    Message,
)


@pytest.fixture
def fridas_regatta(nyborg: Tenant) -> Iterator[None]:
    def create() -> None:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        nanna = User.objects.get(email=NANNA)
        OrganisationRole.objects.create(
            organisation=club, user=nanna, role=OrganisationRole.Role.COORDINATOR
        )
        event = Event.objects.create(
            organisation=club,
            title="Anbefaling Regatta",
            starts_at=in_days(-3, 8),
            ends_at=in_days(-3, 20),
            status=Event.Status.PUBLISHED,
        )
        shift = make_shift(event.tasks.create(title="Kiosk"), start=in_days(-3))
        frida = User.objects.create_user(FRIDA, PASSWORD, full_name="Frida Anbefaling")
        signup = SignUp.objects.create(shift=shift, user=frida, status=SignUp.Status.CONFIRMED)
        Attendance.objects.create(signup=signup, status="present", hours=Decimal("3"))

    def remove() -> None:
        IssuedRecord.objects.filter(holder__email=FRIDA).delete()
        Reference.objects.filter(volunteer__email=FRIDA).delete()
        AuditEvent.objects.filter(action__startswith="credential.").delete()
        messages_remove(CLUB, User.objects.filter(email=FRIDA))
        Event.objects.filter(organisation__name=CLUB).delete()
        Organisation.objects.filter(name=CLUB).delete()  # the role with it
        User.objects.filter(email=FRIDA).delete()

    yield from committed(nyborg, create, remove, TOUCHED)


def test_a_reference_goes_from_request_to_the_public_page(
    page: Page, site: Site, axe_source: str, fridas_regatta: None, nyborg: Tenant
) -> None:
    from playwright.sync_api import expect

    main = page.get_by_role("main")
    try:
        page.goto(site.url(NYBORG, "/konto/log-ind/?next=/konto/bevis/"))
        sign_in(page, FRIDA)
        ask = page.locator("#reference-ask")
        ask.locator("select[name=coordinator]").select_option(index=0)
        ask.locator("textarea[name=note]").fill("Til min ansøgning")
        check_page(page, axe_source, "credentials-reference-ask")
        ask.locator("button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.locator("#reference-list")).to_contain_text("Nanna")
        sign_out(page)

        reference_id = in_tenant(nyborg, lambda: Reference.objects.get(volunteer__email=FRIDA).pk)
        write = f"/konto/bevis/anbefalinger/{reference_id}/skriv/"
        page.goto(site.url(NYBORG, f"/konto/log-ind/?next={write}"))
        sign_in(page, NANNA)
        expect(main).to_contain_text("Til min ansøgning")
        check_page(page, axe_source, "credentials-reference-write")
        main.locator("textarea[name=text]").fill(TEXT)
        main.locator("input[name=author_role]").fill("Frivilligkoordinator")
        main.locator("form button[type=submit]").click()
        page.wait_for_load_state()
        sign_out(page)

        page.goto(site.url(NYBORG, "/konto/log-ind/?next=/konto/bevis/"))
        sign_in(page, FRIDA)
        expect(page.locator("#reference-list")).to_contain_text(TEXT)
        page.locator(f"input[name=parts][value='reference:{reference_id}']").check()
        page.locator("main form:not(#reference-ask) button[type=submit]").click()
        page.wait_for_load_state()
        page.get_by_role("main").locator("a[href^='/bevis/']").click()
        page.wait_for_load_state()
        expect(page.locator("main .alert-success[role=status]")).to_be_visible()
        expect(main).to_contain_text(TEXT)
        expect(main).to_contain_text("Frivilligkoordinator")
        check_page(page, axe_source, "credentials-public-reference")
    finally:
        sign_out(page)

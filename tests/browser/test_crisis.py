"""Crisis mode in a real browser on a cheap phone's width: someone registers as a helper on
/krise/ without an account (and without JavaScript doing anything), with axe checks of the
form, its errors and the thanks page. Nobody signs in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from apps.crisis.models import Crisis, Helper
from apps.organisations.models import Organisation
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
CLUB = "Nyborg Beredskab (browsertest)"


@pytest.fixture
def crisis(django_db_blocker) -> Iterator[int]:
    nyborg = Tenant.objects.get(schema_name="nyborg")

    def create() -> int:
        org = Organisation.objects.create(name=CLUB, is_approved=True)
        return Crisis.objects.create(
            organisation=org,
            title="Stormflod i Nyborg",
            public_text="Vandet står højt ved havnen. Vi har brug for hænder.",
            started_at=timezone.now(),
        ).pk

    def remove() -> None:
        Crisis.objects.filter(organisation__name=CLUB).delete()  # helpers with it
        Organisation.objects.filter(name=CLUB).delete()

    with django_db_blocker.unblock():
        yield from committed(nyborg, create, remove, (Organisation, Crisis, Helper))


@pytest.mark.parametrize("width", [360])
def test_it_registers_a_helper_on_a_phone(
    page: Page, site: Site, axe_source: str, crisis: int, width: int
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, "/krise/"))
    expect(page.locator("h1")).to_have_text("Stormflod i Nyborg")
    expect(page.locator("#id_website")).to_be_hidden()
    expect(page.locator("main fieldset legend")).to_have_count(2)
    check_page(page, axe_source, "crisis-landing")

    page.locator("#id_name").fill("Ada Hansen")
    page.locator("#id_postcode").fill("58")
    page.locator("#id_skills_0").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_name")).to_have_value("Ada Hansen")  # nothing lost
    expect(page.locator("#id_skills_0")).to_be_checked()
    check_page(page, axe_source, "crisis-landing-errors")
    page.locator(".error-summary a[href='#id_postcode']").click()
    expect(page.locator("#id_postcode")).to_be_focused()

    page.locator("#id_phone").fill("12 34 56 78")
    page.locator("#id_postcode").fill("5800")
    page.locator("#id_availability_0").check()
    page.locator("#id_consent").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/krise/tak/")
    check_page(page, axe_source, "crisis-thanks")

    def saved() -> list[tuple[str, str, list[str]]]:
        return list(Helper.objects.values_list("phone", "postcode", "skills"))

    from tests.threads import in_tenant

    assert in_tenant(Tenant.objects.get(schema_name="nyborg"), saved) == [
        ("+4512345678", "5800", ["practical"])
    ]

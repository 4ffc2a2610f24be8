"""The funder report in a real browser, at a phone's and a laptop's width: accessible (axe,
WCAG 2.1 AA), no sideways scrolling, each chart an image with a name and a table beside it,
small numbers shown as "<3". Nanna, the site's admin (the municipality), reads it.

A programme with referrals and matches this year is committed for the live server and
removed afterwards (tests/browser/conftest.committed)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from apps.citizens.models import CitizenMatch, Programme, Referral
from apps.organisations.models import Organisation
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed, sign_in, sign_out

if TYPE_CHECKING:
    from playwright.sync_api import Page

NYBORG = "nyborg.localhost"
CLUB = "Nyborg Besøgsvenner (funder browsertest)"
TOUCHED = (Organisation, Programme, Referral, CitizenMatch)


@pytest.fixture
def programme_id(nyborg: Tenant) -> Iterator[int]:
    def create() -> int:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        programme = Programme.objects.create(
            organisation=club, name="Besøgsven", funder="Nordea-fonden"
        )
        now = timezone.now()
        referrals = []
        for index in range(9):
            at = now - timedelta(days=5 + index * 3)
            referrals.append(
                Referral(
                    programme=programme,
                    first_name="Inger",
                    age_band="80+" if index < 7 else "67-79",
                    postcode="5800",
                    basis="consent",
                    basis_recorded_at=at,
                    source="professional",
                    status="active" if index < 4 else "new",
                    created_at=at,
                    status_changed_at=at,
                )
            )
        Referral.objects.bulk_create(referrals)
        CitizenMatch.objects.bulk_create(
            CitizenMatch(
                referral=referral,
                status="active",
                proposed_at=now - timedelta(days=4),
                volunteer_confirmed_at=now - timedelta(days=2),
                citizen_confirmed_at=now - timedelta(days=2),
                started_at=now - timedelta(days=2),
            )
            for referral in referrals[:4]
        )
        return programme.pk

    def remove() -> None:
        CitizenMatch.objects.filter(referral__programme__organisation__name=CLUB).delete()
        Referral.objects.filter(programme__organisation__name=CLUB).delete()
        Programme.objects.filter(organisation__name=CLUB).delete()
        Organisation.objects.filter(name=CLUB).delete()

    yield from committed(nyborg, create, remove, TOUCHED)


def test_it_shows_the_funder_report_accessibly_at_every_width(
    page: Page, site: Site, axe_source: str, width: int, programme_id: int
) -> None:
    path = f"/rapporter/bevillingsgivere/{programme_id}/"
    page.goto(site.url(NYBORG, f"/konto/log-ind/?next={path}"))
    sign_in(page, "nanna@nyborg.dk")  # with her app's code: she is the site's admin
    try:
        assert page.get_by_role("heading", level=1).inner_text().endswith("Besøgsven")
        main = page.get_by_role("main")
        assert main.get_by_role("img").count() == 3  # each chart, with its table
        assert main.get_by_role("table").count() == 3  # months, age bands, reasons
        assert "<3" in main.inner_text()  # two referrals aged 67-79
        assert "Inger" not in main.inner_text()
        check_page(page, axe_source, f"funder-report-{width}")
        page.goto(site.url(NYBORG, "/rapporter/bevillingsgivere/"))
        assert page.get_by_role("link", name="Besøgsven").count() >= 1
        check_page(page, axe_source, f"funder-list-{width}")
    finally:
        sign_out(page)

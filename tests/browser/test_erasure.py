"""Deleting one's own account in a real browser at 360 and 1280 px: the page says what is
deleted and what stays without a name, asks for the password and a tick, and signs out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session
from django.db.models import Max

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from tests.browser.conftest import Site, check_page, committed, sign_in
from tests.conftest import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tenants.models import Tenant

NYBORG = "nyborg.localhost"
EVA = "eva.sletter@example.dk"
TOUCHED = (User, Session)


@pytest.fixture
def eva(nyborg: Tenant) -> Iterator[int]:
    state: dict[str, int] = {}

    def create() -> int:
        state["audit"] = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
        eva = User.objects.create_user(EVA, PASSWORD, full_name="Eva Sletter")
        state["user"] = eva.pk
        return eva.pk

    def remove() -> None:
        ids = {str(state.get("user"))}
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") in ids:
                session.delete()
        AuditEvent.objects.filter(id__gt=state.get("audit", 0)).delete()
        User.objects.filter(pk=state.get("user", 0)).delete()

    yield from committed(nyborg, create, remove, TOUCHED)


def test_it_deletes_my_own_account_and_signs_me_out(
    page: Page, site: Site, axe_source: str, eva: int
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, "/konto/log-ind/?next=/konto/"))
    sign_in(page, EVA)
    page.get_by_role("main").get_by_role("link", name="Slet min konto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Slet min konto")
    expect(page.get_by_role("main")).to_contain_text("tæller stadig med i statistikken")
    check_page(page, axe_source, "erasure-self")

    page.get_by_label("Din adgangskode").fill(PASSWORD)
    page.get_by_label("Jeg forstår, at min konto slettes").check()
    page.get_by_role("main").get_by_role("button", name="Slet min konto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Din konto er slettet")
    check_page(page, axe_source, "erasure-done")

    page.goto(site.url(NYBORG, "/konto/"))
    expect(page).to_have_url(site.url(NYBORG, "/konto/log-ind/?next=/konto/"))

"""Changing times in a real browser, at a phone's and a laptop's width (issue 10, defect 5):
a coordinator moves a shift (form, confirm page naming who is told, saved) and then the
event (confirm page with the shifts and people, moved along). Every page: axe-core (WCAG
2.1 AA), no sideways scrolling, a screenshot. The rows come from test_messaging's `rowing`
fixture, which removes them again; the audit rows of the changes are removed here."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.shifts.models import Event, Shift
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, sign_out
from tests.browser.test_messaging import NANNA, Rowing, sign_in_as
from tests.browser.test_messaging import rowing as rowing  # the fixture, shared
from tests.threads import in_tenant

if TYPE_CHECKING:
    from playwright.sync_api import Page

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


def test_a_coordinator_moves_a_shift_and_then_the_event_after_seeing_who_is_told(
    rowing: Rowing, nyborg: Tenant, page: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    def times() -> tuple[str, str]:
        shift = Shift.objects.get(pk=rowing.shift_id)
        event = Event.objects.get(pk=rowing.event_id)
        return (
            timezone.localtime(shift.starts_at).strftime(LOCAL_MINUTE),
            timezone.localtime(event.starts_at).strftime(LOCAL_MINUTE),
        )

    def forget_changes() -> None:
        AuditEvent.objects.filter(
            Q(target_type="shifts.Shift", target_id=str(rowing.shift_id))
            | Q(target_type="shifts.Event", target_id=str(rowing.event_id)),
            action__in=("shift.rescheduled", "event.rescheduled", "event.updated"),
        ).delete()

    shift_start, event_start = in_tenant(nyborg, times)
    try:
        sign_in_as(page, site, NANNA, f"/planlaeg/vagter/{rowing.shift_id}/tid/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Ret tiderne")
        check_page(page, axe_source, "shift-time-form")

        later = (datetime.fromisoformat(shift_start) + timedelta(hours=1)).strftime(LOCAL_MINUTE)
        page.get_by_label("Starter").fill(later)
        page.get_by_role("button", name="Fortsæt").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Tjek ændringen, før den gemmes")
        expect(page.get_by_text("2 personer får besked pr. mail")).to_be_visible()
        check_page(page, axe_source, "shift-time-confirm")
        page.get_by_role("button", name="Gem de nye tider").click()
        expect(page.get_by_text("Vagtens tider er gemt.")).to_be_visible()

        page.goto(
            site.url("nyborg.localhost", f"/planlaeg/arrangementer/{rowing.event_id}/rediger/")
        )
        next_day = (datetime.fromisoformat(event_start) + timedelta(days=1)).strftime(LOCAL_MINUTE)
        page.locator("#id_starts_at").fill(next_day)
        page.locator("#id_ends_at").fill(
            (datetime.fromisoformat(next_day) + timedelta(hours=6)).strftime(LOCAL_MINUTE)
        )
        page.get_by_role("button", name="Gem", exact=True).click()
        expect(
            page.get_by_label("Flyt alle arrangementets vagter lige så meget med")
        ).to_be_checked()
        check_page(page, axe_source, "event-time-confirm")
        page.get_by_role("button", name="Gem arrangementet").click()
        expect(page.get_by_text("1 vagt er flyttet med.")).to_be_visible()
        moved_shift, moved_event = in_tenant(nyborg, times)
        assert moved_event == next_day
        assert moved_shift[:10] != shift_start[:10]
    finally:
        sign_out(page)
        in_tenant(nyborg, forget_changes)

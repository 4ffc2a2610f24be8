"""The messaging pages in a real browser, at a phone's and a laptop's width: a coordinator's
info mail to a shift (preview, a PDF attached, sent, delivery counts), a refused attachment,
a volunteer's message settings, the reminder's cancel link without signing in, an event's
orientation mails and the site settings. Every page: axe-core (WCAG 2.1 AA), no sideways
scrolling, a screenshot.

Rows are committed from a thread of their own (as in test_volunteer_flow.py) and removed
again afterwards, attachment files included; the fixture checks the row counts are back
where they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.messaging.models import (
    Attachment,
    Delivery,
    Message,
    OrientationTemplate,
    Preference,
)
from apps.messaging.rendering import cancel_token
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, SignUp, Task
from tenants.models import Tenant
from tests.browser.conftest import Site, check_page, committed, messages_remove, sign_in, sign_out
from tests.conftest import PASSWORD
from tests.threads import in_tenant

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Locator, Page

NYBORG = "nyborg.localhost"
NANNA = "nanna@nyborg.dk"  # the system-owner admin of Nyborg (tests/conftest.py)
CLUB = "Nyborg Roklub (browsertest)"
PREFIX = "besked.browser"
FRIDA = f"{PREFIX}.frida@example.dk"
TOUCHED = (
    User,
    Session,
    Organisation,
    Event,
    Task,
    Shift,
    SignUp,
    Message,
    Attachment,
    Delivery,
    Preference,
    OrientationTemplate,
    AuditEvent,
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Rowing:
    event_id: int
    shift_id: int
    cancel_token: str


@pytest.fixture
def rowing(nyborg: Tenant) -> Iterator[Rowing]:
    """A published event with one shift; Frida (who can sign in) and Bo are on it."""

    def create() -> Rowing:
        club = Organisation.objects.create(name=CLUB, is_approved=True)
        day = timezone.localtime() + timedelta(days=10)
        start = day.replace(hour=10, minute=0, second=0, microsecond=0)
        event = Event.objects.create(
            organisation=club,
            title="Roregatta",
            location_name="Nyborg Havn",
            starts_at=start,
            ends_at=start + timedelta(hours=6),
            status=Event.Status.PUBLISHED,
            visibility=Event.Visibility.PUBLIC,
            published_at=timezone.now(),
        )
        task = Task.objects.create(event=event, title="Startbåd")
        shift = Shift.objects.create(
            task=task, starts_at=start, ends_at=start + timedelta(hours=3), capacity=4
        )
        frida = User.objects.create_user(FRIDA, PASSWORD, full_name="Frida Åre")
        bo = User.objects.create_user(f"{PREFIX}.bo@example.dk", full_name="Bo Bølge")
        signups = [
            SignUp.objects.create(shift=shift, user=person, status=SignUp.Status.CONFIRMED)
            for person in (frida, bo)
        ]
        shift.confirmed_count = 2
        shift.save(update_fields=["confirmed_count"])
        token = cancel_token(nyborg, signups[0].pk)
        return Rowing(event_id=event.pk, shift_id=shift.pk, cancel_token=token)

    def remove() -> None:
        people = User.objects.filter(email__startswith=PREFIX)
        ids = {str(pk) for pk in people.values_list("pk", flat=True)}
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") in ids:
                session.delete()
        messages = Message.objects.filter(organisation__name=CLUB)
        for attachment in Attachment.objects.filter(message__in=messages):
            attachment.file.delete(save=False)
        signups = SignUp.objects.filter(shift__task__event__organisation__name=CLUB)
        targets = {
            "messaging.Message": [str(pk) for pk in messages.values_list("pk", flat=True)],
            "shifts.SignUp": [str(pk) for pk in signups.values_list("pk", flat=True)],
            "accounts.User": list(ids),
            "messaging.OrientationTemplate": [
                str(pk)
                for pk in OrientationTemplate.objects.filter(
                    Q(event__organisation__name=CLUB) | Q(task__event__organisation__name=CLUB)
                ).values_list("pk", flat=True)
            ],
        }
        for target_type, target_ids in targets.items():
            AuditEvent.objects.filter(target_type=target_type, target_id__in=target_ids).delete()
        messages.delete()  # attachments and deliveries with them
        messages_remove(CLUB, people)
        signups.delete()
        Event.objects.filter(organisation__name=CLUB).delete()  # tasks, shifts, orientations
        Organisation.objects.filter(name=CLUB).delete()
        people.delete()  # preferences with them

    yield from committed(nyborg, create, remove, TOUCHED)


CONTRAST = """el => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let node = el, bg = [255, 255, 255];
  while (node) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) { bg = colour.slice(0, 3); break; }
    node = node.parentElement;
  }
  const [a, b] = [lum(rgb(getComputedStyle(el).color).slice(0, 3)), lum(bg)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def text_contrast(locator: Locator) -> float:
    """The contrast of an element's text against the first opaque background behind it:
    axe-core leaves some elements (a form inside a list item) as "needs review"."""
    return float(locator.evaluate(CONTRAST))


def text_lines(locator: Locator) -> int:
    """On how many lines the element's last text ("E-mail" beside its box) is drawn."""
    return int(
        locator.evaluate(
            """el => {
              const range = document.createRange();
              range.selectNodeContents(el.lastChild);
              return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
            }"""
        )
    )


def sign_in_as(page: Page, site: Site, email: str, path: str) -> None:
    page.goto(site.url(NYBORG, f"/konto/log-ind/?next={path}"))
    sign_in(page, email)


def test_a_coordinator_writes_to_a_shift_previews_attaches_and_sends(
    rowing: Rowing, page: Page, site: Site, axe_source: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    pdf = tmp_path / "program.pdf"
    pdf.write_bytes(PDF)
    try:
        sign_in_as(page, site, NANNA, f"/beskeder/ny/shift/{rowing.shift_id}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Ny infomail")
        expect(page.get_by_text("Alle tilmeldt en vagt")).to_be_visible()
        check_page(page, axe_source, "messaging-compose")

        page.get_by_label("Emne").fill("Mødested lørdag")
        page.get_by_label("Besked").fill("Vi mødes ved **bådhallen** kl. 9.")
        page.get_by_role("button", name="Forhåndsvisning").click()
        preview = page.frame_locator("iframe[title='Forhåndsvisning']")
        expect(preview.locator("strong")).to_have_text("bådhallen")
        expect(page.get_by_label("Emne")).to_have_value("Mødested lørdag")
        check_page(page, axe_source, "messaging-compose-preview")

        page.get_by_label(re.compile("^Vedhæftede filer")).set_input_files(str(pdf))
        page.get_by_role("button", name="Send nu").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mødested lørdag")
        counts = page.locator(".plan-stats")
        expect(counts).to_contain_text("Sendt: 2")
        expect(counts).to_contain_text("Mislykkedes: 0")
        expect(page.get_by_role("listitem").filter(has_text="program.pdf")).to_be_visible()
        check_page(page, axe_source, "messaging-sent")

        page.get_by_role("link", name="Beskeder").last.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Beskeder")
        expect(page.get_by_role("link", name="Mødested lørdag")).to_be_visible()
        check_page(page, axe_source, "messaging-home")
    finally:
        sign_out(page)


def test_a_refused_attachment_keeps_what_was_written(
    rowing: Rowing, nyborg: Tenant, page: Page, site: Site, axe_source: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    program = tmp_path / "program.exe"
    program.write_bytes(b"MZ\x90\x00 not a document")
    try:
        sign_in_as(page, site, NANNA, f"/beskeder/ny/shift/{rowing.shift_id}/")
        page.get_by_label("Emne").fill("Mødested lørdag")
        page.get_by_label("Besked").fill("Se programmet")
        page.get_by_label(re.compile("^Vedhæftede filer")).set_input_files(str(program))
        page.get_by_role("button", name="Send nu").click()

        summary = page.locator(".error-summary")
        expect(summary).to_contain_text("program.exe: den type fil kan ikke vedhæftes.")
        expect(summary).to_be_focused()
        expect(page.get_by_label("Emne")).to_have_value("Mødested lørdag")
        expect(page.get_by_label("Besked")).to_have_value("Se programmet")
        check_page(page, axe_source, "messaging-compose-refused")
    finally:
        sign_out(page)
    stored = in_tenant(nyborg, Message.objects.filter(organisation__name=CLUB).exists)
    assert not stored, "a message was stored despite the refused attachment"


def test_a_volunteer_chooses_which_messages_to_get(
    rowing: Rowing, page: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    try:
        sign_in_as(page, site, FRIDA, "/beskeder/indstillinger/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Beskedindstillinger")
        check_page(page, axe_source, "messaging-preferences")

        info = page.get_by_role("checkbox", name="Infomails fra koordinatorer: E-mail")
        reminders = page.get_by_role("checkbox", name="Påmindelser før en vagt: E-mail")
        expect(info).to_be_checked()
        label = page.locator("label").filter(has=info)
        assert text_lines(label) == 1, "the checkbox's label is broken over two lines"
        info.uncheck()
        reminders.uncheck()
        page.get_by_role("main").get_by_role("button", name="Gem").click()

        expect(page.get_by_role("status")).to_contain_text("Dine valg er gemt.")
        expect(info).not_to_be_checked()
        expect(reminders).not_to_be_checked()
        expect(
            page.get_by_role("checkbox", name="Evalueringer efter en vagt: E-mail")
        ).to_be_checked()
        check_page(page, axe_source, "messaging-preferences-saved")
    finally:
        sign_out(page)


def test_the_reminders_cancel_link_cancels_without_signing_in(
    rowing: Rowing, nyborg: Tenant, page: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    page.goto(site.url(NYBORG, f"/beskeder/afbud/{rowing.cancel_token}/"))
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meld afbud")
    expect(main).to_contain_text("Roregatta")
    expect(main).to_contain_text("Startbåd")
    expect(main.get_by_role("button")).to_have_count(1)
    check_page(page, axe_source, "messaging-cancel")

    main.get_by_role("button", name="Afmeld min plads").click()
    expect(main.get_by_role("status")).to_contain_text("Din plads er afmeldt")
    expect(main.get_by_role("button")).to_have_count(0)
    check_page(page, axe_source, "messaging-cancelled")

    status = in_tenant(
        nyborg, lambda: SignUp.objects.get(shift_id=rowing.shift_id, user__email=FRIDA).status
    )
    assert status == SignUp.Status.CANCELLED

    page.goto(site.url(NYBORG, f"/beskeder/afbud/{rowing.cancel_token}x/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Meld afbud")
    expect(main.get_by_role("button")).to_have_count(0)
    check_page(page, axe_source, "messaging-cancel-invalid")


def test_a_coordinator_sets_up_orientation_mails_and_reads_the_site_settings(
    rowing: Rowing, page: Page, site: Site, axe_source: str
) -> None:
    from playwright.sync_api import expect

    try:
        sign_in_as(page, site, NANNA, f"/beskeder/orientering/{rowing.event_id}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Orienteringsmails")
        check_page(page, axe_source, "messaging-orientations")

        page.get_by_label("Kun for opgaven").select_option(label="Startbåd")
        page.get_by_label("Emne").fill("Praktisk om startbåden")
        page.get_by_label("Besked").fill("Husk redningsvest.")
        page.get_by_role("main").get_by_role("button", name="Gem").click()
        expect(page.get_by_role("status")).to_be_visible()
        item = page.get_by_role("listitem").filter(has_text="Praktisk om startbåden")
        expect(item).to_contain_text("Startbåd")
        pause = item.get_by_role("button", name="Sæt på pause")
        assert text_contrast(pause) >= 4.5, "the pause button cannot be read"
        pause.click()
        expect(item).to_contain_text("sat på pause")
        assert text_contrast(item.get_by_role("button", name="Genåbn")) >= 4.5
        check_page(page, axe_source, "messaging-orientations-saved")

        page.goto(site.url(NYBORG, "/indstillinger/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Indstillinger for siden")
        check_page(page, axe_source, "site-settings")
    finally:
        sign_out(page)

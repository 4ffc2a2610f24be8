"""A system-owner admin's set-up checklist: each item flips when it is done; once all are
done, or the admin puts the checklist away, the month's key figures (apps.reports) show."""

import copy
from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.attendance.models import Attendance
from apps.audit.models import AuditEvent
from apps.home.selectors import month_figures, setup_checklist
from apps.legal.models import Document
from apps.legal.services import document_publish
from apps.organisations.models import OrganisationRole
from apps.reports.figures import Period, report_figures
from tenants.selectors import tenant_zone
from tests.apps.home.conftest import browser_for, place, published_event, shift_on

pytestmark = pytest.mark.django_db


def state(checklist) -> dict[str, bool | None]:
    """Each item: done (True/False), or None while the site cannot do it yet."""
    return {item.key: item.done if item.available else None for item in checklist.items}


def test_it_flips_each_checklist_item_when_it_is_done(nanna, nyborg, in_nyborg, roklub, bo):
    site = copy.copy(nyborg)  # changed in memory only: the session's tenant stays as it is
    checklist = setup_checklist(user=nanna, tenant=site)
    assert state(checklist) == {
        "logo": False,
        "colours": False,
        "privacy": False,
        "accessibility": False,
        "organisation": False,
        "event": False,
        "sender": False,
    }
    assert not checklist.complete and not checklist.put_away

    site.logo.name = "platform/branding/nyborg/logo.png"
    site.primary_colour = "#1d5c4d"
    site.sms_sender = "Nyborg"
    # Roklub is approved; Nanna's own role there is no invitation, Kamilla's is.
    OrganisationRole.objects.create(organisation=roklub, user=nanna, role="admin")
    assert state(setup_checklist(user=nanna, tenant=site))["organisation"] is False
    OrganisationRole.objects.create(organisation=roklub, user=bo, role="coordinator")
    event = published_event(roklub, "Regatta", timezone.now() + timedelta(days=3))
    event.published_at = None
    event.save()
    assert (
        state(setup_checklist(user=nanna, tenant=site))["event"] is False
    )  # a draft is not published
    event.published_at = timezone.now()
    event.save()
    checklist = setup_checklist(user=nanna, tenant=site)
    assert state(checklist) == {
        "logo": True,
        "colours": True,
        "privacy": False,
        "accessibility": False,
        "organisation": True,
        "event": True,
        "sender": True,
    }
    assert not checklist.complete  # the standard legal texts still hold [placeholders]

    # The admin's own versions of the legal pages (apps.legal) complete it.
    document_publish(document=Document.PRIVACY, body_markdown="# Privatliv i Nyborg", actor=nanna)
    assert state(setup_checklist(user=nanna, tenant=site))["privacy"] is True
    assert not setup_checklist(user=nanna, tenant=site).complete
    document_publish(document=Document.ACCESSIBILITY, body_markdown="# Tilgængelighed", actor=nanna)
    checklist = setup_checklist(user=nanna, tenant=site)
    assert checklist.complete and checklist.put_away and not checklist.dismissed


def test_it_shows_the_checklist_with_where_to_act_until_it_is_put_away(nanna, nyborg):
    browser = browser_for(nanna, nyborg)
    body = browser.get("/oversigt/").content.decode()
    assert "Gør siden klar til frivillige" in body
    assert 'href="/organisationer/"' in body and 'href="/planlaeg/"' in body
    assert "Nøgletal" not in body

    response = browser.post("/oversigt/tjekliste/", {"hide": "1"})
    assert response.status_code == 302 and response.url == "/oversigt/"
    body = browser.get("/oversigt/").content.decode()
    assert "Gør siden klar til frivillige" not in body and "Nøgletal for" in body
    assert "Vis tjeklisten igen" in body
    assert AuditEvent.objects.filter(action="home.checklist_dismissed").count() == 1

    browser.post("/oversigt/tjekliste/", {"hide": "0"})
    assert "Gør siden klar til frivillige" in browser.get("/oversigt/").content.decode()
    assert AuditEvent.objects.filter(action="home.checklist_restored").count() == 1


def test_it_refuses_the_checklist_to_anyone_but_the_system_owners_admins(kamilla, nyborg):
    response = browser_for(kamilla, nyborg).post("/oversigt/tjekliste/", {"hide": "1"})
    assert response.status_code == 404


def test_it_takes_the_months_key_figures_from_the_reports_own_sql(
    nanna, roklub, frida, bo, in_nyborg
):
    today = timezone.localdate()
    start = timezone.now() - timedelta(hours=5)
    if start.astimezone(tenant_zone()).month != today.month:  # just after midnight
        start = timezone.now() + timedelta(hours=1)
    regatta = published_event(roklub, "Regatta", start)
    came = place(shift_on(regatta, start, capacity=4), frida)
    place(shift_on(regatta, start + timedelta(minutes=1), capacity=4), bo)
    Attendance.objects.create(signup=came, status="present", hours=3)

    figures = month_figures(today=today)
    month = Period(today.replace(day=1), figures.period.end)
    assert figures.period.start == date(today.year, today.month, 1)
    assert (figures.period.end + timedelta(days=1)).day == 1
    assert figures.totals == report_figures(month)["totals"]
    assert (figures.totals["active"], figures.totals["hours"]) == (1, 3)
    assert figures.totals["fill_rate"] == 2 / 8 and figures.totals["new"] == 1
    assert f"start={month.start.isoformat()}&end={month.end.isoformat()}" in figures.report_url

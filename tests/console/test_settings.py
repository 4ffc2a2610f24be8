"""Who sets what: the vendor turns SMS on and sets the sending rate (console); the system
owner's admin sets the site's rules for sign-ups and reminders (on the tenant's own site)."""

import pytest
from django_tenants.utils import schema_context, tenant_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from tenants.models import Tenant
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_the_vendor_turns_sms_on_with_a_sender_name(console_client, vera, nyborg):
    browser = signed_in(console_client, vera, None)
    path = f"/tenants/{nyborg.pk}/messages/"
    data = {"sms_enabled": "on", "sms_sender": "Nyborg!", "mail_rate_per_minute": "300"}
    assert "Brug kun bogstaver og tal" in browser.post(path, data).content.decode()
    response = browser.post(path, {**data, "sms_sender": "Nyborg"})
    assert response.status_code == 302
    nyborg.refresh_from_db()
    assert (nyborg.sms_enabled, nyborg.sms_sender, nyborg.mail_rate_per_minute) == (
        True,
        "Nyborg",
        300,
    )


def test_the_site_admin_sets_reminder_hours_and_nobody_else_can(nyborg, nanna, nyborg_client):
    page = signed_in(nyborg_client, nanna, nyborg).get("/indstillinger/")
    assert "påmind frivillige timer før en vagt" in page.content.decode().lower()
    data = {
        "cancel_deadline_hours": "12",
        "waitlist_stop_hours": "2",
        "reminder_hours": "48",
        "unfilled_alert_hours": "0",
        "hours_margin": "2",
        "coordinators_need_second_factor": "on",
        "staff_idle_minutes": "30",
    }
    assert nyborg_client.post("/indstillinger/", data).status_code == 302
    tenant = Tenant.objects.get(pk=nyborg.pk)
    assert tenant.staff_idle_minutes == 30  # issue 13: staff sign-out after idle minutes
    assert (tenant.reminder_hours, tenant.unfilled_alert_hours, tenant.cancel_deadline_hours) == (
        48,
        0,
        12,
    )
    assert (tenant.coordinators_need_second_factor, tenant.staff_idle_minutes) == (True, 30)
    with schema_context("public"):  # the vendor's history of the tenant
        assert AuditEvent.objects.filter(action="tenant.settings").exists()

    with tenant_context(nyborg):
        pia = User.objects.get(email="pia@nyborg.dk")  # invited, no role
    volunteer = signed_in(nyborg_client, pia, nyborg)
    assert volunteer.post("/indstillinger/", {**data, "reminder_hours": "1"}).status_code == 404
    assert Tenant.objects.get(pk=nyborg.pk).reminder_hours == 48


def test_it_keeps_the_staff_idle_time_between_5_minutes_and_12_hours(nyborg, nanna, nyborg_client):
    browser = signed_in(nyborg_client, nanna, nyborg)
    data = {"cancel_deadline_hours": "24", "waitlist_stop_hours": "2", "reminder_hours": "24"}
    data |= {"unfilled_alert_hours": "48", "hours_margin": "2", "staff_idle_minutes": "721"}
    response = browser.post("/indstillinger/", data)
    assert response.status_code == 200 and "720" in response.content.decode()
    assert Tenant.objects.get(pk=nyborg.pk).staff_idle_minutes == 60

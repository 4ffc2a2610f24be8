"""The vendor's dunning overrides and the plan change's preview on the billing page."""

from datetime import date, timedelta

import pytest
from django.utils import translation
from django.utils.translation import gettext
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from billing.models import Invoice, PlanChange, Subscription
from billing.services import subscription_start
from billing.tasks import dispatch_dunning, dispatch_issue_invoices
from tests.billing.dunning_setup import (
    OCTOBER,
    at,
    einvoice_folder,  # noqa: F401 (fixtures)
    monthly_plan,
    nightly,
    no_cached_notices,  # noqa: F401
    on_ean,
)
from tests.conftest import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_cached_notices")]
LATE = date(2026, 12, 2)
REASON_MISSING = "Write why, for the audit log."


@pytest.fixture
def past_due(nyborg, vera, einvoice_folder) -> Invoice:  # noqa: F811
    on_ean(nyborg, vera)
    nightly(dispatch_issue_invoices, date(2026, 11, 1))
    nightly(dispatch_dunning, LATE)
    with schema_context("public"):
        return Invoice.objects.get(tenant=nyborg)


def vera_on(console_client, vera, day: date):
    with at(day):
        return signed_in(console_client, vera, None)


def post(client, day: date, url: str, data: dict):
    with at(day):
        return client.post(url, data)


def danish(msgid: str) -> str:
    with translation.override("da"):
        return gettext(msgid)


def test_it_extends_the_grace_period_with_a_reason(console_client, vera, nyborg, past_due):
    client = vera_on(console_client, vera, LATE)
    url = f"/tenants/{nyborg.pk}/billing/grace/"
    refused = post(client, LATE, url, {"grace-until": "2027-01-15", "grace-reason": ""})
    assert refused.status_code == 400
    assert danish(REASON_MISSING) in refused.content.decode()
    earlier = post(client, LATE, url, {"grace-until": "2026-12-10", "grace-reason": "Aftale"})
    assert earlier.status_code == 400  # not later than the current last day
    done = post(client, LATE, url, {"grace-until": "2027-01-15", "grace-reason": "Aftale"})
    assert done.status_code == 302
    with schema_context("public"):
        assert Subscription.objects.get(tenant=nyborg).grace_until == date(2027, 1, 15)
        event = AuditEvent.objects.get(action="billing.grace_extended")
        assert (event.actor, event.data["reason"]) == ("vera@tovholder.dk", "Aftale")


def test_it_marks_an_einvoice_paid_by_hand_and_the_tenant_resumes(
    console_client, vera, nyborg, past_due, nyborg_client
):
    nightly(dispatch_dunning, LATE + timedelta(days=22))  # suspended
    assert nyborg_client.get("/").status_code == 503
    day = LATE + timedelta(days=23)
    client = vera_on(console_client, vera, day)
    page = client.get(f"/tenants/{nyborg.pk}/billing/").content.decode()
    assert 'name="paid-invoice"' in page and 'name="grace-until"' not in page  # suspended
    assert page.count("1 administrator") == 1  # the day-0 reminder, to Nanna
    url = f"/tenants/{nyborg.pk}/billing/paid/"
    data = {"paid-invoice": past_due.pk, "paid-paid_on": day.isoformat(), "paid-reason": ""}
    refused = post(client, day, url, data)
    assert refused.status_code == 400 and danish(REASON_MISSING) in refused.content.decode()
    future = post(client, day, url, data | {"paid-paid_on": "2030-01-01", "paid-reason": "x"})
    assert future.status_code == 400
    done = post(client, day, url, data | {"paid-reason": "Set i banken"})
    assert done.status_code == 302
    with schema_context("public"):
        assert Invoice.objects.get(pk=past_due.pk).status == Invoice.Status.PAID
        assert Subscription.objects.get(tenant=nyborg).status == Subscription.Status.ACTIVE
        assert AuditEvent.objects.get(action="billing.invoice_paid").data["reason"] == (
            "Set i banken"
        )
    assert nyborg_client.get("/").status_code != 503


def test_the_overrides_are_for_vendor_staff_only(console_client, nyborg, nanna, nyborg_client):
    for what in ("grace/", "paid/"):
        assert console_client.post(f"/tenants/{nyborg.pk}/billing/{what}").status_code == 302
        admin = signed_in(nyborg_client, nanna, nyborg)
        assert admin.post(f"/tenants/{nyborg.pk}/billing/{what}").status_code == 404


def test_a_plan_change_is_shown_before_it_is_confirmed(console_client, vera, nyborg):
    small = monthly_plan("Lille", base_price=250_000)
    big = monthly_plan("Stor", base_price=400_000)
    with at(OCTOBER):
        subscription_start(tenant=nyborg, plan=small, actor=vera, today=OCTOBER)
    day = date(2026, 12, 15)
    client = vera_on(console_client, vera, day)
    url = f"/tenants/{nyborg.pk}/billing/plan/"
    preview = post(client, day, url, {"plan": big.pk})
    assert preview.status_code == 200
    html = preview.content.decode()
    for figure in ("1.129,03", "2.193,55", "3.322,58", "830,65", "4.153,23"):
        assert figure in html, figure
    assert 'name="confirm" value="yes"' in html
    with schema_context("public"):
        assert Subscription.objects.get(tenant=nyborg).plan == small  # nothing applied yet
        assert not PlanChange.objects.exists()
    done = post(client, day, url, {"plan": big.pk, "confirm": "yes"})
    assert done.status_code == 302
    with schema_context("public"):
        assert Subscription.objects.get(tenant=nyborg).plan == big
        assert PlanChange.objects.get().effective_on == day
    same = post(client, day, url, {"plan": big.pk})
    assert same.status_code == 400

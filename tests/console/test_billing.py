"""The console's billing page per tenant: what it shows, what the vendor may do there."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from billing.models import Invoice, Plan, Subscription, UsageMonth
from billing.services import invoice_issue, subscription_start
from tenants.models import Tenant
from tests.conftest import host_client, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def vera_client(console_client, vera):
    return signed_in(console_client, vera, None)


@pytest.fixture
def plan() -> Plan:
    with schema_context("public"):
        return Plan.objects.create(
            name="Kommune Standard",
            kind="municipality",
            period="monthly",
            base_price=250_000,
            included_volunteers=100,
            block_size=50,
            block_price=40_000,
            sms_segment_price=35,
            trial_days=0,
        )


def billing_url(tenant: Tenant, what: str = "") -> str:
    return f"/tenants/{tenant.pk}/billing/{what}"


def test_it_keeps_the_billing_page_from_strangers_and_tenant_admins(
    console_client, nyborg_client, nyborg, nanna
):
    assert console_client.get(billing_url(nyborg)).status_code == 302  # to the sign-in page
    admin = signed_in(nyborg_client, nanna, nyborg)  # not on a tenant's own host either
    assert admin.get(billing_url(nyborg)).status_code == 404
    assert console_client.post(billing_url(nyborg, "plan/")).status_code == 302


def test_it_starts_a_subscription_on_a_plan_and_audits_it(vera_client, nyborg, plan, aarhus):
    response = vera_client.post(billing_url(nyborg, "plan/"), {"plan": plan.pk})
    assert response.status_code == 302
    with schema_context("public"):
        subscription = Subscription.objects.get(tenant=nyborg)
        assert (subscription.plan, subscription.status) == (plan, "active")
        assert AuditEvent.objects.filter(
            action="billing.subscription_started", actor="vera@tovholder.dk"
        ).exists()
        assert not Subscription.objects.filter(tenant=aarhus).exists()


def test_it_refuses_a_plan_for_another_kind_of_tenant(vera_client, aarhus, plan):
    # VisitAarhus is not a municipality: the municipal plan is not a choice.
    response = vera_client.post(billing_url(aarhus, "plan/"), {"plan": plan.pk})
    assert response.status_code == 400
    with schema_context("public"):
        assert not Subscription.objects.filter(tenant=aarhus).exists()


def test_it_refuses_a_status_step_that_is_not_allowed(vera_client, nyborg, plan, vera):
    subscription_start(tenant=nyborg, plan=plan, actor=vera)
    response = vera_client.post(
        billing_url(nyborg, "status/"), {"status": "suspended", "reason": "test"}
    )
    assert response.status_code == 400
    ok = vera_client.post(billing_url(nyborg, "status/"), {"status": "past_due", "reason": "late"})
    assert ok.status_code == 302
    with schema_context("public"):
        assert Subscription.objects.get(tenant=nyborg).status == "past_due"


def test_it_shows_plan_status_usage_and_invoices_in_a_fixed_number_of_queries(
    vera_client, nyborg, plan, vera
):
    subscription_start(tenant=nyborg, plan=plan, actor=vera, today=date(2026, 1, 5))

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = vera_client.get(billing_url(nyborg))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    before, _page = count()
    for month in (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)):
        with schema_context("public"):
            UsageMonth.objects.create(
                tenant=nyborg, month=month, active_volunteers=151, sms_segments=3
            )
        invoice_issue(tenant=nyborg, month=month)
    after, page = count()
    # +2 since dunning: e-invoices waiting for payment (to mark paid), plan changes.
    assert (before, after) == (19, 19)
    assert "Kommune Standard" in page
    with schema_context("public"):
        numbers = [str(n) for n in Invoice.objects.values_list("number", flat=True)]
    assert all(number in page for number in numbers)
    assert (
        "4.126,31" in page
    )  # 2.500 + 2 blocks of 400 + 3 SMS of 0,35 kr. = 3.301,05, plus 25 % VAT (825,26)


PLAN_POST = {
    "name": "Forening Lille",
    "kind": "other",
    "period": "monthly",
    "base_price": "49900",
    "included_volunteers": "25",
    "block_size": "25",
    "block_price": "10000",
    "sms_segment_price": "35",
    "trial_days": "14",
    "grace_days": "21",
    "is_active": "on",
}


def test_it_lets_the_vendor_write_a_plan_and_audits_the_prices(vera_client):
    stranger = host_client("console.localhost")
    assert stranger.get("/plans/").status_code == 302  # to the sign-in page
    assert vera_client.post("/plans/new/", PLAN_POST).status_code == 302
    with schema_context("public"):
        plan = Plan.objects.get(name="Forening Lille")
        assert (plan.base_price, plan.trial_days) == (49_900, 14)
        assert AuditEvent.objects.filter(action="billing.plan_created").exists()
    page = vera_client.get("/plans/").content.decode()
    assert "Forening Lille" in page and "499,00" in page
    bad = vera_client.post(f"/plans/{plan.pk}/", PLAN_POST | {"block_size": "0"})
    assert bad.status_code == 400


def test_it_sets_the_payment_method_and_asks_an_e_invoice_for_its_ean(
    vera_client, nyborg, plan, vera
):
    subscription_start(tenant=nyborg, plan=plan, actor=vera)
    url = billing_url(nyborg, "payment/")
    missing = vera_client.post(url, {"payment_method": "ean", "ean": ""})
    assert missing.status_code == 400
    short = vera_client.post(url, {"payment_method": "ean", "ean": "57980"})
    assert short.status_code == 400
    typo = vera_client.post(url, {"payment_method": "ean", "ean": "5798000416605"})
    assert typo.status_code == 400 and "kontrolciffer" in typo.content.decode()
    given = {
        "payment_method": "ean",
        "ean": "5798 0004 16604",  # as printed on the municipality's order
        "order_reference": "PO-4711",
        "contact_person": "Lise Jensen",
    }
    assert vera_client.post(url, given).status_code == 302
    with schema_context("public"):
        subscription = Subscription.objects.get(tenant=nyborg)
        assert (subscription.ean, subscription.order_reference) == ("5798000416604", "PO-4711")
        assert AuditEvent.objects.filter(action="billing.payment_method").count() == 1


def test_it_sends_an_ean_invoice_once_and_offers_it_as_sent(
    vera_client, nyborg, aarhus, plan, vera, settings, tmp_path
):
    from billing.validation import validate

    settings.EINVOICE_FILE_PATH = str(tmp_path)
    subscription_start(tenant=nyborg, plan=plan, actor=vera, today=date(2026, 11, 1))
    with schema_context("public"):
        Subscription.objects.filter(tenant=nyborg).update(
            status="active", payment_method="ean", ean="5798000416604", contact_person="Lise"
        )
        UsageMonth.objects.create(
            tenant=nyborg, month=date(2026, 11, 1), active_volunteers=0, sms_segments=0
        )
    invoice = invoice_issue(tenant=nyborg, month=date(2026, 11, 1))
    xml_url = billing_url(nyborg, f"invoices/{invoice.number}.xml")
    assert vera_client.get(xml_url).status_code == 404  # nothing sent yet
    send = billing_url(nyborg, f"invoices/{invoice.number}/send/")
    assert vera_client.post(send).status_code == 302
    assert vera_client.post(send).status_code == 302  # a second press sends nothing
    assert len(list(tmp_path.iterdir())) == 1
    document = vera_client.get(xml_url)
    assert document["Content-Type"] == "application/xml"
    assert [f for f in validate(document.content) if f.flag == "fatal"] == []
    assert "Hent e-faktura" in vera_client.get(billing_url(nyborg)).content.decode()
    # Not another tenant's number, and not for a stranger.
    assert vera_client.get(billing_url(aarhus, f"invoices/{invoice.number}.xml")).status_code == 404
    assert host_client("console.localhost").get(xml_url).status_code == 302

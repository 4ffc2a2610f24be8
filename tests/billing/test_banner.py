"""The past-due banner: on every page of the tenant's site for its system-owner admins,
never for a volunteer, never on another tenant's site; and it costs no query."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from billing.dunning import invoice_mark_paid
from billing.models import Invoice, Subscription
from billing.tasks import dispatch_dunning, dispatch_issue_invoices
from tests.billing.dunning_setup import (
    at,
    einvoice_folder,  # noqa: F401 (fixtures)
    nightly,
    no_cached_notices,  # noqa: F401
    on_ean,
)
from tests.conftest import signed_in
from tests.redis import free_port, redis_at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_cached_notices")]
LATE = date(2026, 12, 2)
PAGE = "/mine-vagter/"


@pytest.fixture
def past_due(nyborg, vera, einvoice_folder) -> Subscription:  # noqa: F811
    on_ean(nyborg, vera)
    nightly(dispatch_issue_invoices, date(2026, 11, 1))
    nightly(dispatch_dunning, LATE)
    with schema_context("public"):
        return Subscription.objects.get(tenant=nyborg)


def page(client, day: date) -> tuple[str, int]:
    with at(day):
        client.get(PAGE)  # the session's first request of the day (idle sign-out's clock)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_it_shows_the_admin_what_is_owed_and_until_when(past_due, nyborg, nanna, nyborg_client):
    admin = signed_in(nyborg_client, nanna, nyborg)
    html, _queries = page(admin, LATE + timedelta(days=1))
    assert 'class="alert alert-warning past-due-notice" role="status"' in html
    assert "3.125,00" in html  # the amount incl. VAT
    assert "1. december 2026" in html  # when it was due
    assert "23. december 2026" in html and "(20 " in html  # suspended after, days left
    assert 'href="mailto:faktura@tovholder.dk"' in html  # whom to ask


def test_it_is_an_alert_in_the_last_three_days(past_due, nyborg, nanna, nyborg_client):
    with at(date(2026, 12, 20)):
        admin = signed_in(nyborg_client, nanna, nyborg)
    html, _queries = page(admin, date(2026, 12, 20))
    assert 'class="alert alert-error past-due-notice" role="alert"' in html


def test_it_costs_no_query(past_due, nyborg, nanna, nyborg_client, vera):
    admin = signed_in(nyborg_client, nanna, nyborg)
    shown, with_banner = page(admin, LATE)
    assert "past-due-notice" in shown
    with schema_context("public"):
        invoice = Invoice.objects.get(tenant=nyborg)
    with at(LATE), TestCase.captureOnCommitCallbacks(execute=True):
        invoice_mark_paid(invoice=invoice, actor=vera, reason="Bank", paid_on=LATE)
    gone, without = page(admin, LATE)
    assert "past-due-notice" not in gone  # paid: the banner goes at once
    assert with_banner == without


def test_a_volunteer_never_sees_it(past_due, nyborg, frida, nyborg_client):
    volunteer = signed_in(nyborg_client, frida, nyborg)
    html, _queries = page(volunteer, LATE)
    assert "past-due-notice" not in html


def test_another_tenant_never_sees_it(past_due, aarhus, anders, aarhus_client):
    admin = signed_in(aarhus_client, anders, aarhus)
    html, _queries = page(admin, LATE)
    assert "past-due-notice" not in html


def test_without_redis_the_admins_page_still_answers(past_due, nyborg, nanna, nyborg_client):
    admin = signed_in(nyborg_client, nanna, nyborg)
    with at(LATE), redis_at(f"redis://127.0.0.1:{free_port()}/0"):
        response = admin.get(PAGE)
    assert response.status_code == 200
    assert "past-due-notice" not in response.content.decode()  # degraded: no banner

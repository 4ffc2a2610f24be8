"""Nyborg on a monthly plan, paying by e-invoice to its EAN from 1 October 2026; helpers to
travel to a moment on the Danish clock and to run the nightly tasks as beat would."""

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import TestCase
from django_tenants.utils import schema_context

from billing import notice
from billing.models import Plan, Subscription
from billing.services import subscription_start
from tenants.models import Tenant

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
OCTOBER = date(2026, 10, 1)


def at(day: date, hour: int = 9) -> time_machine.travel:
    """Stand on `day` at `hour` in Copenhagen (the site's clock)."""
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=COPENHAGEN)
    return time_machine.travel(moment, tick=False)


def nightly(task, day: date) -> object:
    """Run a beat task on `day`, with what commits afterwards (mails, the banner) done."""
    with at(day, 4), TestCase.captureOnCommitCallbacks(execute=True):
        return task.delay().get()


def monthly_plan(name: str = "Kommune Standard", kind: str = "municipality", **extra) -> Plan:
    values = {
        "name": name,
        "kind": kind,
        "period": Plan.Period.MONTHLY,
        "base_price": 250_000,
        "included_volunteers": 100,
        "block_size": 50,
        "block_price": 40_000,
        "sms_segment_price": 35,
        "trial_days": 0,
        "grace_days": 21,
    } | extra
    with schema_context("public"):
        return Plan.objects.create(**values)


def on_ean(tenant: Tenant, actor, plan: Plan | None = None) -> Subscription:
    """Active from 1 October 2026, paying by e-invoice."""
    with at(OCTOBER):
        subscription = subscription_start(
            tenant=tenant, plan=plan or monthly_plan(), actor=actor, today=OCTOBER
        )
    with schema_context("public"):
        Subscription.objects.filter(pk=subscription.pk).update(
            payment_method="ean", ean="5798000416604", order_reference="PO-4711"
        )
        subscription.refresh_from_db()
    return subscription


def forget_notices(*tenants: Tenant) -> None:
    for tenant in tenants:
        with schema_context(tenant.schema_name):
            cache.delete(notice.KEY)


@pytest.fixture
def no_cached_notices(nyborg, aarhus) -> Iterator[None]:
    """The banner lives in Redis, which a test's rollback does not undo: start and end
    without one, so no other test sees a past-due banner it did not make."""
    forget_notices(nyborg, aarhus)
    yield
    forget_notices(nyborg, aarhus)


@pytest.fixture
def einvoice_folder(settings, tmp_path):
    settings.EINVOICE_FILE_PATH = str(tmp_path)
    return tmp_path

"""The past-due reminder (see tests/apps/messaging/kinds.py): essential, to the system
owner's admins, once per reminder day, in the tenant's language."""

from datetime import date

import pytest
from django_tenants.utils import schema_context, tenant_context

from billing.dunning import past_due_remind
from billing.models import Subscription
from billing.services import subscription_transition
from tests.apps.messaging.kinds import (
    CASE_IDS,
    CASES,
    assert_kind,
    prepare,
    switch_everything_off,
    twice,
)
from tests.billing.dunning_setup import at, no_cached_notices, on_ean  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_cached_notices")]
LATE = date(2026, 12, 2)


@pytest.mark.parametrize("locale,switched_off", CASES, ids=CASE_IDS)
def test_billing_past_due(nyborg, nanna, vera, locale, switched_off):
    on_ean(nyborg, vera)
    with at(LATE):
        subscription_transition(tenant=nyborg, status="past_due", actor=None, reason="test")
    prepare(nyborg, locale=locale)
    if switched_off:
        with tenant_context(nyborg):
            switch_everything_off(nanna)
    with schema_context("public"):
        subscription = Subscription.objects.select_related("tenant").get(tenant=nyborg)
    with at(LATE):
        twice(lambda: past_due_remind(subscription=subscription, today=LATE))
    with schema_context(nyborg.schema_name):
        assert_kind("billing_past_due", tenant=nyborg, to=nanna, switched_off=switched_off)

"""One test per kind of privacy mail (see tests/apps/messaging/kinds.py for what each
checks), each through the service that sends it."""

from datetime import UTC, timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.privacy.models import RetentionNotice
from apps.privacy.services.retention import retention_run
from tests.apps.messaging.kinds import (
    CASE_IDS,
    CASES,
    assert_kind,
    prepare,
    switch_everything_off,
    twice,
)

pytestmark = pytest.mark.django_db
cases = pytest.mark.parametrize("locale,switched_off", CASES, ids=CASE_IDS)


@cases
def test_inactive_warning(nyborg, frida, locale, switched_off):
    frida.last_login = timezone.now()
    frida.save(update_fields=["last_login"])
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(frida)
    moment = (timezone.now() + timedelta(days=800)).astimezone(UTC).replace(hour=12, minute=0)
    with time_machine.travel(moment, tick=False):
        twice(retention_run)  # a retried task warns once
    notice = RetentionNotice.objects.get(user=frida)
    deadline = notice.warned_at + timedelta(days=30)
    assert_kind(
        "inactive_warning", tenant=nyborg, to=frida, switched_off=switched_off, moment=deadline
    )

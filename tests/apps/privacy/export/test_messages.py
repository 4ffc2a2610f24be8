"""The kind about a person's copy of their data (declared in apps/privacy/messages.py; see
tests/apps/messaging/kinds.py for what each checks). Kept in its own folder so the other
privacy kinds (erasure, ...) have their own test_messages.py without a merge conflict."""

import pytest
from django.utils import timezone

from apps.privacy.models import DataExport
from apps.privacy.services.export import export_build
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


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


@cases
def test_export_ready(nyborg, frida, locale, switched_off):
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(frida)
    export = DataExport.objects.create(
        user=frida,
        requested_by=frida,
        channel=DataExport.Channel.SELF,
        received_on=timezone.localdate(),
    )
    twice(lambda: export_build(export_id=export.pk))
    assert_kind("export_ready", tenant=nyborg, to=frida, switched_off=switched_off)

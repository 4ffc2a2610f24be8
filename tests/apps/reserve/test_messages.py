"""The call-out's own kind test (tests/apps/messaging/kinds.py): sent once, in the
tenant's language, and essential (a person who switched everything off still gets it)."""

import pytest

from apps.reserve.services import callout_send
from tests.apps.messaging.kinds import CASE_IDS, CASES, assert_kind, prepare, switch_everything_off

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("locale", "switched_off"), CASES, ids=CASE_IDS)
def test_reserve_callout(
    pool, nyborg, nanna, frida, locale, switched_off, django_capture_on_commit_callbacks
):
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(frida)
    with django_capture_on_commit_callbacks(execute=True):
        callout = callout_send(by=nanna, title="Sandsække", body="Kom!", place="Havnen", when="Nu")
    with django_capture_on_commit_callbacks(execute=True):  # a retried delivery adds nobody
        from kernel import messages

        messages.send(
            "reserve_callout",
            to=[frida.pk],
            dedupe_key=callout.dedupe_key,
            params={"callout": callout.pk},
        )
    assert_kind("reserve_callout", tenant=nyborg, to=frida, switched_off=switched_off)

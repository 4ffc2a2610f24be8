"""One test per kind of volunteer-record mail (see tests/apps/messaging/kinds.py for what
each checks), each through the service that sends it."""

import pytest

from apps.credentials.references import reference_ask, reference_write
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
def test_credential_reference_asked(
    nyborg, frida, nanna_coordinates, roklub, fridas_history, locale, switched_off
):
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(nanna_coordinates)
    twice(
        lambda: reference_ask(
            volunteer=frida, organisation=roklub, coordinator=nanna_coordinates, note="CV"
        )
    )
    assert_kind(
        "credential_reference_asked",
        tenant=nyborg,
        to=nanna_coordinates,
        switched_off=switched_off,
    )


@cases
def test_credential_reference_written(
    nyborg, frida, nanna_coordinates, roklub, fridas_history, locale, switched_off
):
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(frida)
    reference = reference_ask(volunteer=frida, organisation=roklub, coordinator=nanna_coordinates)
    twice(
        lambda: reference_write(
            coordinator=nanna_coordinates,
            reference_id=reference.pk,
            text="Stabil og venlig.",
            author_name="Nanna Holm",
            author_role="Koordinator",
        )
    )
    assert_kind("credential_reference_written", tenant=nyborg, to=frida, switched_off=switched_off)

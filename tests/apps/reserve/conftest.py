"""The reserve pool of Nyborg: Frida (by mail and SMS) and Bo (by mail) rowed with Nyborg
Roklub and joined; Carl is a member who did not; Dorthe is no member at all. Nanna (the
site's admin) sends call-outs; Kim coordinates the scouts and may not; Anders is in
VisitAarhus and must see nothing."""

from datetime import date

import pytest
from django.db import connection

from apps.members.models import Membership
from apps.reserve.services import reserve_join


@pytest.fixture
def sms_on(in_nyborg, nyborg):
    """Nyborg sends text messages (stored, so requests see it; the test's transaction
    rolls it back), and the current tenant object says so too."""
    nyborg.sms_enabled = True
    nyborg.save(update_fields=["sms_enabled"])
    connection.tenant.sms_enabled = True
    return nyborg


@pytest.fixture
def members(roklub, frida, bo, carl):
    for someone in (frida, bo, carl):
        Membership.objects.create(user=someone, organisation=roklub, started_on=date(2025, 1, 1))
    return [frida, bo, carl]


@pytest.fixture
def pool(sms_on, members, frida, bo):
    reserve_join(user=frida, email=True, sms=True, phone="20 30 40 50")
    reserve_join(user=bo, email=True, sms=False)
    return [frida, bo]

"""The kinds about requests to join an organisation (declared in apps/members/messages.py;
see tests/apps/messaging/kinds.py for what each checks), through the services."""

import pytest

from apps.accounts.models import User
from apps.members.models import MembershipRequest
from apps.members.notifications import membership_answered_send
from apps.members.services.join_requests import (
    membership_request,
    membership_request_answer,
)
from apps.organisations.models import OrganisationRole
from apps.shifts.models import Event
from tests.apps.messaging.kinds import (
    CASE_IDS,
    CASES,
    assert_kind,
    prepare,
    switch_everything_off,
    twice,
)
from tests.personas import in_days, person

pytestmark = pytest.mark.django_db
cases = pytest.mark.parametrize("locale,switched_off", CASES, ids=CASE_IDS)


@pytest.fixture
def meeting(roklub) -> Event:
    return Event.objects.create(
        organisation=roklub,
        title="Generalforsamling",
        starts_at=in_days(5, 19),
        ends_at=in_days(5, 22),
        status=Event.Status.PUBLISHED,
        visibility=Event.Visibility.MEMBERS,
    )


@pytest.fixture
def rikke(roklub):
    rikke = person("Rikke")
    OrganisationRole.objects.create(
        organisation=roklub, user=rikke, role=OrganisationRole.Role.COORDINATOR
    )
    return rikke


def _setup(nyborg, someone, locale, switched_off) -> None:
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(someone)


@cases
def test_membership_requested(nyborg, meeting, frida, rikke, locale, switched_off):
    _setup(nyborg, rikke, locale, switched_off)
    twice(lambda: membership_request(user=frida, event=meeting, message="Jeg ror gerne."))
    assert_kind("membership_requested", tenant=nyborg, to=rikke, switched_off=switched_off)


@pytest.mark.parametrize("approve", [True, False], ids=["approved", "declined"])
@cases
def test_membership_answered(nyborg, meeting, frida, rikke, locale, switched_off, approve):
    membership_request(user=frida, event=meeting)
    _setup(nyborg, frida, locale, switched_off)
    request = MembershipRequest.objects.get()
    answered: list[MembershipRequest] = []

    def trigger():
        if not answered:
            answered.append(
                membership_request_answer(actor=rikke, request_id=request.pk, approve=approve)
            )
        else:  # sent again (a second answer is refused by the service)
            membership_answered_send(request=answered[0])

    twice(trigger)
    assert_kind("membership_answered", tenant=nyborg, to=frida, switched_off=switched_off)


@cases
def test_information_notice(nyborg, nanna, roklub, locale, switched_off):
    from apps.members.services.memberships import member_invite

    prepare(nyborg, locale=locale)

    def trigger():
        member_invite(actor=nanna, organisation=roklub, email="ny@example.dk", full_name="Ny")
        if switched_off:  # essential: a switch made after the account exists changes nothing
            switch_everything_off(User.objects.get(email="ny@example.dk"))

    twice(trigger)
    ny = User.objects.get(email="ny@example.dk")
    assert_kind("information_notice", tenant=nyborg, to=ny, switched_off=switched_off)

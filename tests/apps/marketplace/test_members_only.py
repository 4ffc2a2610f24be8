"""Members-only events: who sees what, and asking to join the organisation.

Nyborg Roklub's "Generalforsamling" is for its members. Frida (signed in, not a member) is
told whose event it is and may ask to join; Nanna (system-owner admin) or a coordinator of
the club answers; Kim, coordinator of Nyborg Spejderne, may not. Anders of VisitAarhus sees
nothing of it.
"""

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from apps.members.models import Membership, MembershipRequest
from apps.organisations.models import OrganisationRole
from apps.shifts.models import Event, Shift, SignUp, Task
from apps.shifts.services.signups import shift_sign_up
from tests.conftest import host_client, signed_in
from tests.personas import in_days, make_shift, person

pytestmark = pytest.mark.django_db

TITLE = "Generalforsamling"
SECRET_DETAIL = "Bådhuset bag kiosken"


@pytest.fixture
def meeting(roklub) -> Event:
    event = Event.objects.create(
        organisation=roklub,
        title=TITLE,
        description=SECRET_DETAIL,
        starts_at=in_days(5, 19),
        ends_at=in_days(5, 22),
        status=Event.Status.PUBLISHED,
        visibility=Event.Visibility.MEMBERS,
    )
    make_shift(Task.objects.create(event=event, title="Kaffe"), start=in_days(5, 18))
    return event


@pytest.fixture
def rikke(roklub):
    """The rowing club's coordinator."""
    rikke = person("Rikke")
    OrganisationRole.objects.create(
        organisation=roklub, user=rikke, role=OrganisationRole.Role.COORDINATOR
    )
    return rikke


def url(event: Event) -> str:
    return f"/arrangementer/{event.pk}/"


def browser(user, nyborg):
    return signed_in(host_client("nyborg.localhost"), user, nyborg)


def ask(client, event: Event, message: str = "Jeg ror gerne."):
    return client.post(f"{url(event)}bliv-medlem/", {"message": message})


def test_it_tells_a_signed_in_non_member_whose_event_it_is_and_offers_to_ask_to_join(
    meeting, frida, nyborg
):
    response = browser(frida, nyborg).get(url(meeting))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Arrangementet er for medlemmer af Nyborg Roklub" in body
    assert "Bed om at blive medlem af Nyborg Roklub" in body
    assert TITLE not in body and SECRET_DETAIL not in body and "Kaffe" not in body


def test_it_asks_an_anonymous_visitor_to_sign_in_and_come_back(meeting, nyborg_client):
    response = nyborg_client.get(url(meeting))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Nyborg Roklub" in body and "Log ind" in body
    assert f"/konto/log-ind/?next=%2Farrangementer%2F{meeting.pk}%2F" in body
    assert TITLE not in body and SECRET_DETAIL not in body
    assert "bliv-medlem" not in body
    assert ask(nyborg_client, meeting).status_code == 302  # to the sign-in page
    assert not MembershipRequest.objects.exists()


def test_it_still_shows_the_event_to_members_and_coordinators(meeting, frida, rikke, nyborg):
    Membership.objects.create(user=frida, organisation=meeting.organisation, started_on=in_days(-1))
    for user in (frida, rikke):
        response = browser(user, nyborg).get(url(meeting))
        assert response.status_code == 200 and SECRET_DETAIL in response.content.decode()


def test_it_keeps_secret_link_events_and_drafts_unknown(roklub, meeting, frida, nyborg):
    client = browser(frida, nyborg)
    Event.objects.filter(pk=meeting.pk).update(visibility=Event.Visibility.SECRET)
    assert client.get(url(meeting)).status_code == 404
    assert ask(client, meeting).status_code == 404
    assert client.get(url(meeting), {"n": meeting.secret_token}).status_code == 200
    Event.objects.filter(pk=meeting.pk).update(
        visibility=Event.Visibility.MEMBERS, status=Event.Status.DRAFT
    )
    assert client.get(url(meeting)).status_code == 404
    assert not MembershipRequest.objects.exists()


def test_it_lets_a_non_member_ask_to_join_and_tells_the_coordinators(
    meeting, frida, rikke, nyborg, django_capture_on_commit_callbacks
):
    client = browser(frida, nyborg)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, meeting)
        ask(client, meeting)  # twice: still one request, one mail
    assert response.status_code == 302 and response.url == url(meeting)
    (request,) = MembershipRequest.objects.all()
    assert (request.user, request.status, request.event) == (frida, "pending", meeting)
    assert request.message == "Jeg ror gerne."
    (message,) = mail.outbox
    assert message.to == ["rikke@example.dk"]
    assert "Frida Hansen" in message.subject and "Nyborg Roklub" in message.subject
    assert "Jeg ror gerne." in message.body and f"/organisationer/{meeting.organisation_id}/" in (
        message.body
    )
    body = client.get(url(meeting)).content.decode()
    assert "Du bad om at blive medlem af Nyborg Roklub" in body and "bliv-medlem/" not in body


def test_it_makes_a_member_when_a_coordinator_approves(
    meeting, frida, rikke, nyborg, django_capture_on_commit_callbacks
):
    ask(browser(frida, nyborg), meeting)
    coordinator = browser(rikke, nyborg)
    request = MembershipRequest.objects.get()
    page = coordinator.get(f"/organisationer/{meeting.organisation_id}/").content.decode()
    assert "Frida Hansen" in page and f"/organisationer/anmodninger/{request.pk}/" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(f"/organisationer/anmodninger/{request.pk}/", {"answer": "approve"})
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", rikke)
    assert Membership.objects.get(user=frida).status == Membership.Status.ACTIVE
    (message,) = mail.outbox
    assert message.to == ["frida@example.dk"] and url(meeting) in message.body
    response = browser(frida, nyborg).get(url(meeting))
    assert response.status_code == 200 and SECRET_DETAIL in response.content.decode()
    shift = Shift.objects.get(task__event=meeting)
    assert shift_sign_up(shift_id=shift.pk, user=frida).status == SignUp.Status.CONFIRMED


def test_it_tells_a_declined_person_and_takes_no_second_request(
    meeting, frida, rikke, nyborg, django_capture_on_commit_callbacks
):
    client = browser(frida, nyborg)
    ask(client, meeting)
    request = MembershipRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        browser(rikke, nyborg).post(
            f"/organisationer/anmodninger/{request.pk}/", {"answer": "decline"}
        )
    assert not Membership.objects.filter(user=frida).exists()
    assert "har afvist" in mail.outbox[-1].body
    body = client.get(url(meeting)).content.decode()
    assert "har afvist din anmodning" in body and "bliv-medlem/" not in body
    ask(client, meeting)
    assert MembershipRequest.objects.count() == 1


def test_it_lets_no_coordinator_of_another_organisation_answer(meeting, frida, kim, nyborg):
    ask(browser(frida, nyborg), meeting)
    request = MembershipRequest.objects.get()
    other = browser(kim, nyborg)
    response = other.post(f"/organisationer/anmodninger/{request.pk}/", {"answer": "approve"})
    assert response.status_code == 404
    assert (
        f"/organisationer/anmodninger/{request.pk}/"
        not in other.get(f"/organisationer/{meeting.organisation_id}/").content.decode()
    )
    request.refresh_from_db()
    assert request.status == "pending" and not Membership.objects.filter(user=frida).exists()


def test_it_shows_anders_of_visitaarhus_nothing(meeting, anders, aarhus, nyborg):
    in_nyborg = signed_in(host_client("nyborg.localhost"), anders, aarhus)
    response = in_nyborg.get(url(meeting))  # his session is VisitAarhus's: not signed in here
    body = response.content.decode()
    assert TITLE not in body and SECRET_DETAIL not in body and "Anders" not in body
    assert "bliv-medlem" not in body
    assert ask(in_nyborg, meeting).status_code == 302  # to the sign-in page
    in_aarhus = signed_in(host_client("visitaarhus.localhost"), anders, aarhus)
    assert in_aarhus.get(url(meeting)).status_code == 404
    assert ask(in_aarhus, meeting).status_code == 404
    with tenant_context(nyborg):
        assert not MembershipRequest.objects.exists()


def test_it_says_in_the_event_form_what_members_only_means(nanna, nyborg, regatta):
    body = browser(nanna, nyborg).get(f"/planlaeg/arrangementer/{regatta.pk}/rediger/")
    text = body.content.decode()
    assert "logget ind her" not in text
    assert "kan bede om at blive medlem" in text

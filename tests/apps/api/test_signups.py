"""Sign-ups through the API: the page's service, its refusal codes and messages, the
waitlist, cancelling, read-only keys, and the audit row naming the key."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from apps.api.models import ApiKey
from apps.audit.models import AuditEvent
from apps.members.models import Membership
from apps.organisations.models import OrganisationRole
from apps.shifts.models import Event, SignUp
from tests.apps.api.conftest import api_client, make_key
from tests.personas import place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rowers(roklub, frida, bo, carl) -> None:
    # An organisation's key signs up its own members only (apps.api.selectors.person).
    for rower in (frida, bo, carl):
        Membership.objects.create(user=rower, organisation=roklub, started_on="2026-01-01")


def sign_up(client, shift, person, headers=None, **extra):
    return client.post(
        "/api/v1/signups/",
        {"shift": shift.pk, "person": person.pk, **extra},
        content_type="application/json",
        headers=headers,
    )


def test_it_signs_up_and_audits_with_the_keys_name(club_writer, morning, frida):
    made = sign_up(club_writer, morning, frida)
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "confirmed" and made.json()["person"] == frida.pk
    signup = SignUp.objects.get(shift=morning, user=frida)
    row = AuditEvent.objects.get(action="api.signup.created")
    assert row.actor == "API: Tilmelding" and row.data["key"] == "Tilmelding"
    assert row.target_id == str(signup.pk)
    morning.refresh_from_db()
    assert morning.confirmed_count == 1


def test_it_puts_a_person_in_line_on_a_full_shift(club_writer, morning, frida, bo, carl):
    place(morning, frida)
    place(morning, bo)
    made = sign_up(club_writer, morning, carl)
    assert made.status_code == 201 and made.json()["status"] == "waitlisted"


def test_it_refuses_with_the_pages_code_and_message_in_either_language(club_writer, morning, frida):
    place(morning, frida)
    with translation.override("da"):
        danish = gettext("You are already signed up for this shift.")
    refused = sign_up(club_writer, morning, frida)
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    body = refused.json()
    assert body["code"] == "duplicate" and body["detail"] == danish
    assert body["type"] == "urn:tovholder:problem:duplicate" and body["status"] == 409
    english = sign_up(club_writer, morning, frida, headers={"Accept-Language": "en"})
    assert english.json()["detail"] == "You are already signed up for this shift."
    assert english["Content-Language"] == "en"


def test_it_refuses_a_closed_shift_as_the_page_does(club_writer, morning, frida, regatta):
    regatta.status = Event.Status.CANCELLED
    regatta.save()
    refused = sign_up(club_writer, morning, frida)
    assert refused.status_code == 409 and refused.json()["code"] == "closed"
    assert not AuditEvent.objects.filter(action="api.signup.created").exists()


def test_it_cancels_through_the_service(
    club_writer, morning, frida, bo, carl, django_capture_on_commit_callbacks
):
    place(morning, frida)
    place(morning, bo)
    waiting = place(morning, carl, SignUp.Status.WAITLISTED)
    first = SignUp.objects.get(user=frida)
    with django_capture_on_commit_callbacks(execute=True):
        gone = club_writer.post(
            f"/api/v1/signups/{first.pk}/cancel/",
            {"reason": "Syg"},
            content_type="application/json",
        )
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == SignUp.Status.CONFIRMED  # the line moved up, as on the page
    assert AuditEvent.objects.filter(action="api.signup.cancelled").count() == 1
    again = club_writer.post(f"/api/v1/signups/{first.pk}/cancel/", content_type="application/json")
    assert again.status_code == 200 and again.json()["status"] == "cancelled"


def test_it_refuses_writes_to_a_read_only_key(club_reader, morning, frida):
    refused = sign_up(club_reader, morning, frida)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    signup = place(morning, frida)
    cancel = club_reader.post(f"/api/v1/signups/{signup.pk}/cancel/")
    assert cancel.status_code == 403
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.CONFIRMED


def test_it_refuses_another_organisations_shift(kim, morning, frida):
    spejderne = kim.roles.get().organisation
    OrganisationRole.objects.create(
        organisation=spejderne, user=kim, role=OrganisationRole.Role.ADMIN
    )
    _key, token = make_key(kim, organisation=spejderne, scope=ApiKey.Scope.WRITE)
    refused = sign_up(api_client(token=token), morning, frida)
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert not SignUp.objects.exists()


def test_it_validates_the_body(club_writer):
    bad = club_writer.post("/api/v1/signups/", {"shift": "x"}, content_type="application/json")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"shift", "person"}
    junk = club_writer.post("/api/v1/signups/", "{", content_type="application/json")
    assert junk.status_code == 400 and junk.json()["code"] == "parse_error"


def test_it_signs_up_only_the_organisations_own_members_with_its_key(
    club_writer, morning, dorthe, nanna, in_nyborg
):
    # Dorthe has nothing to do with the roklub: its key cannot reach her, a site key can.
    assert sign_up(club_writer, morning, dorthe).status_code == 404
    assert not SignUp.objects.filter(user=dorthe).exists()
    site_writer = api_client(token=make_key(nanna, scope=ApiKey.Scope.WRITE)[1])
    assert sign_up(site_writer, morning, dorthe).status_code == 201

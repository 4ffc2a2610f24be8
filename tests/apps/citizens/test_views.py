"""The whole path through the real pages: Sofie (a social worker) refers Inger → Rasmus
sees the suggestions and proposes Frida → Frida accepts → Rasmus plans the first meeting
(an invitation with a calendar file to both) → after it, Frida says yes on her page and
Inger through the no-sign-in link → the match is active → Rasmus ends it with a reason."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.citizens.models import CitizenMatch, Programme, Referral
from tests.apps.citizens.conftest import REFERRAL, SPECIAL
from tests.conftest import signed_in
from tests.personas import in_days

pytestmark = pytest.mark.django_db


def browser(user, nyborg) -> Client:
    client = Client(HTTP_HOST="nyborg.localhost")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return signed_in(client, user, nyborg)


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _refer(sofie, programme, nyborg) -> Referral:
    as_sofie = browser(sofie, nyborg)
    page = body(as_sofie.get("/borgere/henvisning/ny/"))
    assert "Besøgsven" in page and "To find a volunteer who lives nearby." in page
    form = {**REFERRAL, "programme": programme.pk, "special_category": SPECIAL}
    response = as_sofie.post("/borgere/henvisning/ny/", form)
    assert response.status_code == 302 and response["Location"] == "/borgere/henvisning/modtaget/"
    assert "Inger" not in body(as_sofie.get(response["Location"]))
    return Referral.objects.get()


def test_it_takes_a_referral_to_an_active_match_and_its_end(
    nyborg, in_nyborg, sofie, rasmus, programme, volunteers, django_capture_on_commit_callbacks
):
    frida, bo = volunteers["frida"], volunteers["bo"]
    referral = _refer(sofie, programme, nyborg)
    assert referral.source == Referral.Source.PROFESSIONAL
    assert referral.referring_body == "Nyborg Hjemmepleje"
    assert referral.basis_recorded_by == sofie and SPECIAL not in referral.special_category

    # Rasmus sees Inger waiting, and Frida suggested first with her reasons; Bo lacks the
    # agreement, so he is shown last without a button.
    as_rasmus = browser(rasmus, nyborg)
    assert "Inger" in body(as_rasmus.get("/borgere/"))
    page = body(as_rasmus.get(f"/borgere/henvisninger/{referral.pk}/"))
    assert page.index("Frida Hansen") < page.index("Bo Hansen")
    assert "speaks arabisk" in page and "free on Tuesday afternoons" in page
    assert "1 onboarding step missing" in page
    assert f"/foreslaa/{frida.pk}/" in page and f"/foreslaa/{bo.pk}/" not in page
    assert SPECIAL not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = as_rasmus.post(f"/borgere/henvisninger/{referral.pk}/foreslaa/{frida.pk}/")
    assert response.status_code == 302
    match = CitizenMatch.objects.get()
    assert match.status == CitizenMatch.Status.PROPOSED and match.volunteer == frida
    assert [m.to for m in mail.outbox] == [["frida@example.dk"]]
    assert "Inger" not in mail.outbox[0].body  # the mail names no citizen

    # Frida sees what she needs, and nothing else.
    as_frida = browser(frida, nyborg)
    page = body(as_frida.get(f"/borgere/mine/{match.pk}/"))
    for shown in ("Inger", "80 or older", "5800", "Rollator, ingen trapper", "Tuesday afternoon"):
        assert shown in page, shown
    for hidden in (SPECIAL, REFERRAL["note"], "Sofie", "Samtykke", "Hjemmepleje"):
        assert hidden not in page, hidden
    as_frida.post(f"/borgere/mine/{match.pk}/", {"answer": "yes"})
    match.refresh_from_db()
    assert match.status == CitizenMatch.Status.ACCEPTED

    meeting = in_days(3, 14)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        as_rasmus.post(
            f"/borgere/match/{match.pk}/moede/",
            {
                "starts_at": timezone.localtime(meeting).strftime("%Y-%m-%dT%H:%M"),
                "place": "Nyborg Bibliotek",
            },
        )
    match.refresh_from_db()
    assert match.status == CitizenMatch.Status.MEETING_PLANNED and match.meeting_at == meeting
    assert sorted(m.to[0] for m in mail.outbox) == ["frida@example.dk", "rasmus@example.dk"]
    (name, ics, _type) = mail.outbox[0].attachments[0]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert name == "first-meeting.ics" and "METHOD:REQUEST" in ics
    assert "LOCATION:Nyborg Bibliotek" in ics and "frida@example.dk" in ics
    assert "Inger" not in ics

    # Before the meeting nobody can say yes yet.
    as_frida.post(f"/borgere/mine/{match.pk}/", {"answer": "yes"})
    match.refresh_from_db()
    assert match.volunteer_confirmed_at is None

    with time_machine.travel(meeting + timedelta(hours=2), tick=False):
        as_frida.post(f"/borgere/mine/{match.pk}/", {"answer": "yes"})
        as_rasmus = browser(rasmus, nyborg)  # staff are signed out when idle for days
        page = body(as_rasmus.get(f"/borgere/henvisninger/{referral.pk}/"))
        link = page.split('id="answer-link" type="text" readonly value="')[1].split('"')[0]
        citizen = Client(HTTP_HOST="nyborg.localhost")
        citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        path = link.split("nyborg.localhost", 1)[1].split(":8000", 1)[-1]
        question = body(citizen.get(path))
        assert "Would you like to go on meeting?" in question and "Frida" in question
        assert "Hansen" not in question and SPECIAL not in question
        assert "Thank you" in body(citizen.post(path, {"answer": "yes"}))
    match.refresh_from_db()
    referral.refresh_from_db()
    assert match.status == CitizenMatch.Status.ACTIVE and match.citizen_confirmed_via == "link"
    assert referral.status == Referral.Status.ACTIVE
    assert citizen.get(path).status_code == 404  # spent: the match no longer waits

    as_rasmus = browser(rasmus, nyborg)
    as_rasmus.post(f"/borgere/match/{match.pk}/afslut/", {"reason": "goal_reached"})
    match.refresh_from_db()
    referral.refresh_from_db()
    assert (match.status, match.end_reason, match.ended_by) == (
        "ended",
        "goal_reached",
        "coordinator",
    )
    assert referral.status == Referral.Status.ENDED and referral.ended_at is not None
    assert list(
        AuditEvent.objects.filter(target_type="citizens.CitizenMatch")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "citizen_match.proposed",
        "citizen_match.accepted",
        "citizen_match.meeting_planned",
        "citizen_match.said_yes",
        "citizen_match.said_yes",
        "citizen_match.ended",
    ]


def test_it_lets_a_coordinator_refer_and_answer_for_the_citizen(
    nyborg, in_nyborg, rasmus, programme, volunteers
):
    as_rasmus = browser(rasmus, nyborg)
    form = {**REFERRAL, "programme": programme.pk, "special_category": ""}
    response = as_rasmus.post("/borgere/henvisning/ny/", form)
    referral = Referral.objects.get()
    assert response["Location"] == f"/borgere/henvisninger/{referral.pk}/"
    assert referral.source == Referral.Source.COORDINATOR and referral.special_category == ""


def test_it_explains_a_refused_form(nyborg, in_nyborg, sofie, programme):
    as_sofie = browser(sofie, nyborg)
    response = as_sofie.post("/borgere/henvisning/ny/", {**REFERRAL, "postcode": "58"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write a Danish postcode: four digits." in page and not Referral.objects.exists()


def test_it_lets_a_volunteer_set_how_many_citizens_they_carry(nyborg, in_nyborg, frida):
    as_frida = browser(frida, nyborg)
    assert body(as_frida.get("/borgere/mine/"))
    as_frida.post("/borgere/mine/", {"max_matches": "3"})
    assert frida.match_capacity.max_matches == 3


def test_a_coordinator_opens_a_programme(nyborg, in_nyborg, roklub, rasmus, kim):
    as_rasmus = browser(rasmus, nyborg)
    assert "Nyborg Spejderne" not in body(as_rasmus.get("/borgere/indsatser/ny/"))
    response = as_rasmus.post(
        "/borgere/indsatser/ny/",
        {
            "organisation": roklub.pk,
            "name": "Mentor",
            "required_steps": ["agreement", "child"],
            "funder": "Socialstyrelsen",
            "grant_starts_on": "2026-01-01",
            "grant_ends_on": "2025-12-31",
        },
    )
    assert response.status_code == 400  # the grant ends before it starts
    response = as_rasmus.post(
        "/borgere/indsatser/ny/",
        {"organisation": roklub.pk, "name": "Mentor", "required_steps": ["agreement", "child"]},
    )
    assert response.status_code == 302
    programme = Programme.objects.get(name="Mentor")
    assert programme.required_steps == ["agreement", "child"]
    assert "Mentor" in body(as_rasmus.get("/borgere/"))
    # Kim may not open one for the rowing club.
    as_kim = browser(kim, nyborg)
    refused = as_kim.post("/borgere/indsatser/ny/", {"organisation": roklub.pk, "name": "X"})
    assert refused.status_code == 400 and not Programme.objects.filter(name="X").exists()


def test_a_waiting_referral_is_withdrawn_from_its_page(nyborg, referral, rasmus):
    response = browser(rasmus, nyborg).post(f"/borgere/henvisninger/{referral.pk}/traek-tilbage/")
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WITHDRAWN

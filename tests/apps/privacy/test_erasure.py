"""Erasure by anonymisation (GDPR article 17), through the real services and pages.

Frida volunteers at the regatta: a past shift with hours, a confirmed place on a full
future shift with Carl waiting behind her, a post in the crew's group, a coordinator's note,
an application. Nanna is the site's admin and coordinates; Kim coordinates elsewhere;
Anders's site (VisitAarhus) has a person with Frida's id who must stay untouched."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.attendance.models import Attendance
from apps.attendance.services import roll_call_mark
from apps.audit.models import AuditEvent
from apps.evaluations.models import Answer, Invitation, Question, Questionnaire, Response
from apps.groups.models import Group, Post
from apps.members.models import MemberNote, Membership, Profile
from apps.members.services.memberships import member_note_add, membership_add
from apps.messaging.models import Delivery
from apps.privacy.models import LegalHold
from apps.privacy.services.erasure import (
    ErasureRefused,
    erasure_blockers,
    legal_hold_set,
    person_erase,
)
from apps.recruitment.models import Application, Posting
from apps.reports.figures import Period
from apps.reports.selectors import report
from apps.shifts.models import SignUp
from tests.conftest import signed_in
from tests.personas import in_days, make_shift, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_shift(kiosk):
    return make_shift(kiosk, capacity=1, start=in_days(5))


@pytest.fixture
def frida_life(frida, carl, kiosk, full_shift, roklub, nanna_coordinates):
    """Everything Frida left behind, made through the product's services where they exist."""
    past = make_shift(kiosk, capacity=3, start=in_days(-3))
    past_signup = place(past, frida)
    roll_call_mark(actor=nanna_coordinates, signup_id=past_signup.pk, status="present")
    future = place(full_shift, frida)
    waiting = place(full_shift, carl, SignUp.Status.WAITLISTED)
    membership = membership_add(actor=nanna_coordinates, organisation=roklub, user=frida)
    member_note_add(actor=nanna_coordinates, membership=membership, text="Frida kan ro")
    Profile.objects.filter(user=frida).update(postcode="5800", emergency_contact_name="Mor")
    posting = Posting.objects.create(
        organisation=roklub, title="Træner", opens_on=timezone.localdate(), status="published"
    )
    Application.objects.create(
        posting=posting, user=frida, motivation="Jeg elsker at ro", consented_at=timezone.now()
    )
    crew = Group.objects.create(organisation=roklub, name="Regattaholdet")
    post = Post.objects.create(group=crew, author=frida, body="Hej fra Frida Hansen")
    return {"past": past_signup, "future": future, "waiting": waiting, "group": crew, "post": post}


def totals() -> dict:
    today = timezone.localdate()  # up to yesterday: the past that must not change
    period = Period(today - timedelta(days=30), today - timedelta(days=1))
    return report(period=period, organisation_id=None)["totals"]


def test_it_erases_frida_and_keeps_her_hours_anonymously(
    frida,
    carl,
    full_shift,
    frida_life,
    nanna,
    nyborg,
    nyborg_client,
    django_capture_on_commit_callbacks,
):
    before = totals()
    assert before["hours"] > 0 and before["attended"] == 1
    deliveries = Delivery.objects.filter(user=frida).count()
    assert deliveries and Delivery.objects.filter(address="frida@example.dk").exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = person_erase(actor=nanna, user=frida, reason="Anmodning 1. december")
    assert result.erased_now and result.counts["signups_cancelled"] == 1

    # Carl moves up from the line; the shift's counters are what the product would write.
    waiting = SignUp.objects.get(pk=frida_life["waiting"].pk)
    assert waiting.status in (SignUp.Status.CONFIRMED, SignUp.Status.OFFERED)
    full_shift.refresh_from_db()
    assert full_shift.confirmed_count + full_shift.offered_count == 1
    assert full_shift.waitlist_count == 0
    assert SignUp.objects.get(pk=frida_life["future"].pk).status == SignUp.Status.CANCELLED

    # Her past attendance stays, on the scrubbed row, and the report is the same.
    attendance = Attendance.objects.get(signup=frida_life["past"])
    assert attendance.signup.user_id == frida.pk and attendance.hours > 0
    assert totals() == before

    frida.refresh_from_db()
    assert frida.email == f"erased-{frida.pk}@invalid.tovholder"
    assert frida.full_name == "Slettet person"
    assert not frida.is_active and not frida.has_usable_password() and frida.erased_at
    assert frida.phone == "" and frida.birth_year is None

    # The messages sent to her stay as counts, without her address.
    assert Delivery.objects.filter(user=frida).count() == deliveries
    assert not Delivery.objects.filter(address="frida@example.dk").exists()

    # The audit log names her nowhere.
    named = Q(actor__icontains="frida@example.dk") | Q(data__icontains="frida@example.dk")
    assert not AuditEvent.objects.filter(named).exists()
    assert not AuditEvent.objects.filter(data__icontains="Frida Hansen").exists()
    assert AuditEvent.objects.filter(
        actor=f"Slettet person #{frida.pk}", actor_id=frida.pk
    ).exists()
    erased = AuditEvent.objects.get(action="person.erased")
    assert erased.actor == "nanna@nyborg.dk"
    assert erased.data["user_id"] == frida.pk and erased.data["reason"] == "Anmodning 1. december"

    # Notes, application, profile data gone; the post's text and author name gone.
    assert not MemberNote.objects.filter(membership__user=frida).exists()
    assert not Application.objects.filter(user=frida).exists()
    profile = Profile.objects.get(user=frida)
    assert profile.postcode == "" and profile.emergency_contact_name == ""
    ended = Membership.objects.get(user=frida)
    assert (ended.status, ended.ended_on) == (Membership.Status.ENDED, timezone.localdate())
    post = Post.objects.get(pk=frida_life["post"].pk)
    assert post.body == "(slettet)"

    page = signed_in(nyborg_client, nanna, nyborg).get(f"/grupper/{frida_life['group'].pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Slettet person" in body and "Frida" not in body


def test_it_erases_twice_without_changing_anything(frida, nanna, frida_life):
    person_erase(actor=nanna, user=frida, reason="x")
    again = person_erase(actor=nanna, user=frida, reason="x")
    assert not again.erased_now
    assert AuditEvent.objects.filter(action="person.erased").count() == 1


def test_it_leaves_the_person_with_the_same_id_on_another_site_untouched(
    frida, nanna, nyborg, aarhus
):
    with tenant_context(aarhus):
        twin = User.objects.filter(pk=frida.pk).first() or User.objects.create_user(
            "twin@example.dk", full_name="Tvilling Aarhus", pk=frida.pk
        )
        twin_email, twin_name = twin.email, twin.full_name
    with tenant_context(nyborg):
        person_erase(actor=nanna, user=frida, reason="x")
    with tenant_context(aarhus):
        twin = User.objects.get(pk=frida.pk)
        assert (twin.email, twin.full_name, twin.erased_at) == (twin_email, twin_name, None)
        assert not AuditEvent.objects.filter(action="person.erased").exists()


def test_it_refuses_while_a_legal_hold_stands_and_says_why(frida, nanna):
    legal_hold_set(actor=nanna, user=frida, reason="Klagesag 2026-17")
    (reason,) = erasure_blockers(user=frida)
    assert "Klagesag 2026-17" in reason
    with pytest.raises(ErasureRefused):
        person_erase(actor=None, user=frida, reason="retention")
    frida.refresh_from_db()
    assert frida.erased_at is None and frida.email == "frida@example.dk"


def test_it_refuses_to_erase_the_last_admin(nanna, in_nyborg):
    (reason,) = erasure_blockers(user=nanna)
    assert "administrator" in reason
    with pytest.raises(ErasureRefused):
        person_erase(actor=nanna, user=nanna, reason="x")


def test_it_hides_the_admin_pages_from_a_coordinator(kim, frida, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, kim, nyborg)
    for path in (
        "/privatliv/sletning/",
        f"/privatliv/sletning/{frida.pk}/",
        f"/privatliv/sletning/{frida.pk}/tilbageholdelse/",
    ):
        assert browser.get(path).status_code == 404, path
        assert browser.post(path, {"reason": "x", "confirm": "on"}).status_code == 404, path
    frida.refresh_from_db()
    assert frida.erased_at is None
    assert not LegalHold.objects.exists()


def test_it_lets_the_admin_find_hold_release_and_erase(frida, nanna, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, nanna, nyborg)
    found = browser.get("/privatliv/sletning/", {"email": "Frida@example.dk"})
    assert found.url == f"/privatliv/sletning/{frida.pk}/"
    page = browser.get(found.url)
    assert page.status_code == 200 and "Hvad sker der" in page.content.decode()

    hold = f"/privatliv/sletning/{frida.pk}/tilbageholdelse/"
    browser.post(hold, {"action": "set", "reason": "Klagesag"})
    refused = browser.post(found.url, {"reason": "Anmodning", "confirm": "on"})
    assert refused.status_code == 400 and "Klagesag" in refused.content.decode()
    browser.post(hold, {"action": "clear"})
    done = browser.post(found.url, {"reason": "Anmodning", "confirm": "on"})
    assert done.status_code == 302
    frida.refresh_from_db()
    assert frida.erased_at is not None
    actions = list(
        AuditEvent.objects.filter(action__startswith="person.").values_list("action", flat=True)
    )
    assert sorted(actions) == [
        "person.erased",
        "person.legal_hold_cleared",
        "person.legal_hold_set",
    ]


def test_it_lets_frida_delete_her_own_account_sign_out_and_register_again(
    frida, nyborg, nyborg_client
):
    frida.set_password("hemmelig-ro-2026")
    frida.save()
    browser = signed_in(nyborg_client, frida, nyborg)
    page = browser.get("/privatliv/slet-min-konto/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Slet min konto" in body and "statistik" in body
    wrong = browser.post("/privatliv/slet-min-konto/", {"password": "nej", "confirm": "on"})
    assert wrong.status_code == 400
    frida.refresh_from_db()
    assert frida.erased_at is None

    done = browser.post(
        "/privatliv/slet-min-konto/", {"password": "hemmelig-ro-2026", "confirm": "on"}
    )
    assert done.status_code == 200 and "Din konto er slettet" in done.content.decode()
    assert browser.get("/konto/").status_code == 302  # signed out
    frida.refresh_from_db()
    assert frida.erased_at is not None
    erased = AuditEvent.objects.get(action="person.erased")
    assert erased.actor.endswith(f"#{frida.pk}") and erased.data["by_self"] is True

    again = nyborg_client.post(
        "/konto/tilmeld/",
        {"full_name": "Frida Ny", "email": "frida@example.dk", "phone": "", "consent": "on"},
    )
    assert again.status_code == 200
    assert User.objects.get(email="frida@example.dk").pk != frida.pk


def test_it_links_the_account_page_to_deleting_it(frida, nyborg, nyborg_client):
    body = signed_in(nyborg_client, frida, nyborg).get("/konto/").content.decode()
    assert 'href="/privatliv/slet-min-konto/"' in body


def test_it_puts_the_erasure_pages_in_the_isolation_sweep():
    from tests.test_isolation import tenant_paths

    paths = set(tenant_paths())
    assert {
        "/privatliv/slet-min-konto/",
        "/privatliv/sletning/",
        "/privatliv/sletning/1/",
        "/privatliv/sletning/1/tilbageholdelse/",
    } <= paths


def test_it_detaches_her_named_evaluation_and_keeps_the_scores(frida, nanna, kiosk):
    past = make_shift(kiosk, start=in_days(-2))
    survey = Questionnaire.objects.create(title="Hvordan gik det?", is_anonymous=False)
    scale = Question.objects.create(questionnaire=survey, kind="scale", text="Samlet")
    words = Question.objects.create(questionnaire=survey, kind="text", text="Fortæl")
    invitation = Invitation.objects.create(shift=past, user=frida, questionnaire=survey)
    response = Response.objects.create(
        questionnaire=survey,
        invitation=invitation,
        organisation=kiosk.event.organisation,
        event=kiosk.event,
        task=kiosk,
        shift=past,
        submitted_on=timezone.localdate(),
    )
    Answer.objects.create(response=response, question=scale, scale=4)
    Answer.objects.create(response=response, question=words, text="Jeg er Frida fra Nyborg")

    person_erase(actor=nanna, user=frida, reason="x")

    response.refresh_from_db()
    assert response.invitation_id is None and not Invitation.objects.filter(user=frida).exists()
    assert Answer.objects.get(response=response, question=scale).scale == 4
    assert Answer.objects.get(response=response, question=words).text == ""

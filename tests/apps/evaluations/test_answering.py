"""Frida answers from the link in the mail, without signing in; once, and only once."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tenants.utils import tenant_context

from apps.audit.models import AuditEvent
from apps.evaluations.models import Answer, Invitation, Question, Response
from apps.evaluations.services import answer_submit, rule_create
from tests.apps.evaluations.conftest import build_questionnaire, sweep
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(came, rule, frida) -> Invitation:
    sweep(came, hours=3)
    return Invitation.objects.get(user=frida)


def answer_url(invitation: Invitation) -> str:
    return reverse("evaluation-answer", args=[invitation.token])


def post_data(invitation: Invitation, scale="4", choice="Ja", text="Mere kaffe") -> dict:
    scale_q, choice_q, text_q = invitation.questionnaire.questions.all()
    return {f"q{scale_q.pk}": scale, f"q{choice_q.pk}": choice, f"q{text_q.pk}": text}


def test_it_shows_the_questions_with_labelled_radio_buttons(invitation, nyborg_client):
    page = nyborg_client.get(answer_url(invitation))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<legend>Hvordan var vagten?" in body
    assert "5 – Meget godt" in body and "1 – Meget dårligt" in body
    assert 'type="radio"' in body and "Måske" in body
    assert "Nyborg Regatta" in body


def test_it_stores_the_answers_and_thanks(invitation, nyborg_client, frida):
    response = nyborg_client.post(answer_url(invitation), post_data(invitation))
    assert response.status_code == 302
    thanks = nyborg_client.get(response["Location"])
    assert "Tak" in thanks.content.decode()
    stored = Response.objects.get()
    assert stored.invitation == invitation and stored.invitation.user == frida
    assert stored.event_id == invitation.shift.task.event_id
    assert stored.submitted_on is not None
    answers = {a.question.kind: a for a in Answer.objects.select_related("question")}
    assert answers["scale"].scale == 4
    assert answers["choice"].choice == "Ja"
    assert answers["text"].text == "Mere kaffe"
    invitation.refresh_from_db()
    assert invitation.answered_at is not None


def test_a_used_link_says_so_and_stores_nothing_more(invitation, nyborg_client):
    nyborg_client.post(answer_url(invitation), post_data(invitation))
    again = nyborg_client.post(answer_url(invitation), post_data(invitation, scale="1"))
    assert again.status_code == 410
    assert "allerede besvaret" in again.content.decode()
    assert nyborg_client.get(answer_url(invitation)).status_code == 410
    assert Response.objects.count() == 1 and Answer.objects.get(scale__isnull=False).scale == 4
    with pytest.raises(ValidationError):
        answer_submit(token=invitation.token, answers={})


def test_mistakes_are_explained_in_danish_and_the_answers_are_kept(invitation, nyborg_client):
    data = post_data(invitation, scale="", text="Bedre skilte")
    page = nyborg_client.post(answer_url(invitation), data)
    assert page.status_code == 400
    body = page.content.decode()
    assert "Besvar venligst dette spørgsmål." in body
    assert "Bedre skilte</textarea>" in body
    assert re.search(r'value="Ja"[^>]*checked', body)
    data = post_data(invitation, scale="7", choice="Aldrig")
    body = nyborg_client.post(answer_url(invitation), data).content.decode()
    assert "Vælg et tal fra 1 til 5." in body
    assert "Vælg en af mulighederne." in body
    assert not Response.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_an_optional_question_may_be_left_empty(invitation, nyborg_client):
    response = nyborg_client.post(answer_url(invitation), post_data(invitation, text=""))
    assert response.status_code == 302
    assert not Answer.objects.filter(question__kind=Question.Kind.TEXT).exists()


def test_an_anonymous_answer_cannot_be_traced_to_the_person(
    came, olga, roklub, regatta, frida, nyborg_client
):
    anonymous = build_questionnaire(olga, roklub, title="Anonymt", anonymous=True)
    rule_create(actor=olga, event_id=regatta.pk, questionnaire_id=anonymous.pk)
    sweep(came, hours=3)
    invitation = Invitation.objects.get(user=frida)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    assert nyborg_client.post(answer_url(invitation), post_data(invitation)).status_code == 302
    stored = Response.objects.get()
    # No key to the invitation or a person, no time, and a random id.
    assert stored.invitation_id is None and stored.submitted_on is None
    assert stored.pk.version == 4
    assert all(answer.pk.version == 4 for answer in stored.answers.all())
    person_fields = {f.name for f in Response._meta.get_fields()}
    assert not person_fields & {"user", "created_at", "submitted_at"}
    assert not AuditEvent.objects.exclude(pk__in=before).exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is not None  # the link is used up all the same


def test_an_unknown_or_garbled_token_is_not_found(nyborg_client, in_nyborg):
    assert nyborg_client.get("/evaluering/nonsense/").status_code == 404
    assert nyborg_client.post("/evaluering/nonsense/", {}).status_code == 404
    assert nyborg_client.get("/evaluering/nonsense/tak/").status_code == 404


def test_a_nyborg_link_does_nothing_on_another_tenant(
    invitation, nyborg, aarhus, aarhus_client, anders
):
    data = post_data(invitation)
    signed_in(aarhus_client, anders, aarhus)
    assert aarhus_client.get(answer_url(invitation)).status_code == 404
    assert aarhus_client.post(answer_url(invitation), data).status_code == 404
    with tenant_context(aarhus):
        assert not Response.objects.exists()
    with tenant_context(nyborg):
        assert not Response.objects.exists()

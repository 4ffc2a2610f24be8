"""Olga builds a questionnaire and attaches it to the regatta through the pages, and reads
the results. Frida (a volunteer), Kim (another association) and Anders (another
municipality) see and change nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import tenant_context

from apps.attendance.services import roll_call_mark
from apps.evaluations.models import EvaluationRule, Invitation, Question, Questionnaire
from apps.evaluations.services import answer_submit, rule_create
from apps.shifts.services.signups import shift_sign_up
from tests.apps.evaluations.conftest import build_questionnaire, sweep
from tests.conftest import signed_in
from tests.personas import person

pytestmark = pytest.mark.django_db


def answer_all(invitations, scales, choices, texts):
    for invitation, scale, choice, text in zip(invitations, scales, choices, texts, strict=True):
        scale_q, choice_q, text_q = invitation.questionnaire.questions.all()
        answer_submit(
            token=invitation.token,
            answers={scale_q.pk: scale, choice_q.pk: choice, text_q.pk: text},
        )


@pytest.fixture
def answered(came, rule):
    """Frida gave 5 and Bo 3."""
    sweep(came, hours=3)
    invitations = list(Invitation.objects.order_by("user__email"))  # Bo, Frida
    answer_all(invitations, [3, 5], ["Måske", "Ja"], ["For lidt kaffe", ""])
    return came


def test_olga_builds_a_questionnaire_and_attaches_it_to_the_regatta(
    nyborg_client, nyborg, olga, roklub, regatta, kiosk
):
    browser = signed_in(nyborg_client, olga, nyborg)
    assert browser.get(reverse("evaluations")).status_code == 200
    created = browser.post(
        reverse("evaluations-questionnaire-new"),
        {"organisation": roklub.pk, "title": "Efter regattaen", "intro": "Tak!"},
    )
    questionnaire = Questionnaire.objects.get(title="Efter regattaen")
    assert created.status_code == 302 and questionnaire.organisation == roklub
    add = reverse("evaluations-question-new", args=[questionnaire.pk])
    refused = browser.post(add, {"kind": "choice", "text": "Kommer du igen?", "choices": "Ja"})
    assert refused.status_code == 400
    assert "Angiv mindst to forskellige svarmuligheder." in refused.content.decode()
    browser.post(add, {"kind": "scale", "text": "Hvordan var det?", "required": "on"})
    browser.post(add, {"kind": "choice", "text": "Kommer du igen?", "choices": "Ja\nNej\n"})
    assert list(questionnaire.questions.values_list("kind", "choices")) == [
        ("scale", []),
        ("choice", ["Ja", "Nej"]),
    ]
    edit = browser.get(reverse("evaluations-questionnaire", args=[questionnaire.pk]))
    assert "Kommer du igen?" in edit.content.decode() and "Ja · Nej" in edit.content.decode()
    page = browser.get(reverse("evaluations-event", args=[regatta.pk])).content.decode()
    assert "Efter regattaen" in page
    assert reverse("evaluations-task-results", args=[kiosk.pk]) in page
    made = browser.post(
        reverse("evaluations-event", args=[regatta.pk]),
        {"questionnaire": questionnaire.pk, "task": kiosk.pk, "delay_hours": "3"},
    )
    assert made.status_code == 302
    rule = EvaluationRule.objects.get()
    assert (rule.task, rule.event, rule.delay_hours) == (kiosk, None, 3)
    browser.post(reverse("evaluations-rule-toggle", args=[rule.pk]))
    rule.refresh_from_db()
    assert not rule.is_active


def test_the_planning_page_links_to_the_evaluations(nyborg_client, nyborg, olga, regatta):
    browser = signed_in(nyborg_client, olga, nyborg)
    page = browser.get(reverse("planning-event", args=[regatta.pk])).content.decode()
    assert reverse("evaluations-event", args=[regatta.pk]) in page


def test_questions_are_fixed_once_people_have_answered(nyborg_client, nyborg, olga, answered):
    questionnaire = Questionnaire.objects.get()
    browser = signed_in(nyborg_client, olga, nyborg)
    question = questionnaire.questions.first()
    browser.post(reverse("evaluations-question-delete", args=[question.pk]))
    refused = browser.post(
        reverse("evaluations-question-new", args=[questionnaire.pk]),
        {"kind": "text", "text": "Mere?"},
    )
    assert refused.status_code == 400
    assert questionnaire.questions.count() == 3
    settings = browser.post(
        reverse("evaluations-questionnaire", args=[questionnaire.pk]),
        {"title": questionnaire.title, "is_anonymous": "on", "is_active": "on"},
    )
    assert settings.status_code == 400
    assert "Der er allerede kommet svar" in settings.content.decode()
    questionnaire.refresh_from_db()
    assert not questionnaire.is_anonymous


def test_the_results_show_averages_counts_and_free_text(
    nyborg_client, nyborg, olga, answered, regatta, kiosk, roklub
):
    browser = signed_in(nyborg_client, olga, nyborg)
    for url in (
        reverse("evaluations-event-results", args=[regatta.pk]),
        reverse("evaluations-task-results", args=[kiosk.pk]),
        reverse("evaluations-organisation-results", args=[roklub.pk]),
    ):
        page = browser.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "2 svar" in body
        assert "Gennemsnit 4,0 af 5 (2 svar)" in body
        assert '<th scope="row">Ja</th><td>1</td>' in body
        assert '<th scope="row">Nej</th><td>0</td>' in body
        assert "For lidt kaffe" in body and "Bo Hansen" in body


def test_anonymous_results_wait_for_three_answers_and_show_no_names(
    nyborg_client, nyborg, olga, roklub, regatta, came, dorthe, carl
):
    anonymous = build_questionnaire(olga, roklub, title="Anonymt", anonymous=True)
    rule_create(actor=olga, event_id=regatta.pk, questionnaire_id=anonymous.pk)
    sweep(came, hours=3)
    invitations = list(Invitation.objects.order_by("user__email"))
    answer_all(invitations, [2, 4], ["Nej", "Ja"], ["Hemmeligt", "Også hemmeligt"])
    browser = signed_in(nyborg_client, olga, nyborg)
    url = reverse("evaluations-event-results", args=[regatta.pk])
    body = browser.get(url).content.decode()
    assert "For få har svaret" in body and "Hemmeligt" not in body
    # A third person comes to a later shift and answers: now the figures show, nameless.
    with tenant_context(nyborg):
        later = came.__class__.objects.create(
            task=came.task,
            starts_at=came.starts_at,
            ends_at=came.ends_at,
            capacity=1,
        )
        ulla = person("Ulla")
        signup = shift_sign_up(shift_id=later.pk, user=ulla)
        roll_call_mark(actor=olga, signup_id=signup.pk, status="present")
        sweep(later, hours=3)
        answer_all([Invitation.objects.get(user=ulla)], [3], ["Ja"], ["Tredje"])
    body = browser.get(url).content.decode()
    assert "Gennemsnit 3,0 af 5 (3 svar)" in body
    assert "Hemmeligt" in body and "Tredje" in body
    for name in ("Bo Hansen", "Frida Hansen", "Ulla Hansen"):
        assert name not in body


def test_the_results_page_costs_the_same_queries_with_more_answers(
    nyborg_client, nyborg, olga, answered, regatta, django_assert_num_queries
):
    browser = signed_in(nyborg_client, olga, nyborg)
    url = reverse("evaluations-event-results", args=[regatta.pk])
    browser.get(url)
    with CaptureQueriesContext(connection) as few:
        browser.get(url)
    with tenant_context(nyborg):
        other = build_questionnaire(olga, regatta.organisation, title="Mere")
        later = answered.__class__.objects.create(
            task=answered.task, starts_at=answered.starts_at, ends_at=answered.ends_at, capacity=5
        )
        rule_create(
            actor=olga, event_id=regatta.pk, task_id=answered.task_id, questionnaire_id=other.pk
        )
        people = [person(name) for name in ("Ulla", "Villy", "Xenia", "Yrsa")]
        for someone in people:
            signup = shift_sign_up(shift_id=later.pk, user=someone)
            roll_call_mark(actor=olga, signup_id=signup.pk, status="present")
        sweep(later, hours=3)
        invitations = list(Invitation.objects.filter(shift=later))
        answer_all(invitations, [1, 2, 3, 4], ["Ja"] * 4, ["a", "b", "c", "d"])
    with django_assert_num_queries(len(few)):
        page = browser.get(url)
    assert "Xenia Hansen" in page.content.decode()
    assert "Mere" in page.content.decode()
    # Tenant lookup and search paths, session, user, the second factor's device
    # (apps.twofactor), the menu, the event and the permission check, then six for the
    # results whatever their size.
    assert len(few) <= 15


def test_a_volunteer_sees_no_results_and_no_builder(
    nyborg_client, nyborg, frida, answered, regatta, kiosk, roklub
):
    browser = signed_in(nyborg_client, frida, nyborg)
    questionnaire = Questionnaire.objects.get()
    for url in (
        reverse("evaluations"),
        reverse("evaluations-questionnaire-new"),
        reverse("evaluations-questionnaire", args=[questionnaire.pk]),
        reverse("evaluations-event", args=[regatta.pk]),
        reverse("evaluations-event-results", args=[regatta.pk]),
        reverse("evaluations-task-results", args=[kiosk.pk]),
        reverse("evaluations-organisation-results", args=[roklub.pk]),
    ):
        assert browser.get(url).status_code == 404, url


def test_a_coordinator_of_another_association_can_neither_see_nor_change(
    nyborg_client, nyborg, kim, answered, regatta, kiosk, roklub, rule
):
    browser = signed_in(nyborg_client, kim, nyborg)
    questionnaire = Questionnaire.objects.get()
    question = questionnaire.questions.first()
    for url in (
        reverse("evaluations-questionnaire", args=[questionnaire.pk]),
        reverse("evaluations-event", args=[regatta.pk]),
        reverse("evaluations-event-results", args=[regatta.pk]),
        reverse("evaluations-task-results", args=[kiosk.pk]),
        reverse("evaluations-organisation-results", args=[roklub.pk]),
    ):
        assert browser.get(url).status_code == 404, url
    posts = {
        reverse("evaluations-questionnaire", args=[questionnaire.pk]): {"title": "Kims"},
        reverse("evaluations-question-new", args=[questionnaire.pk]): {"kind": "text", "text": "?"},
        reverse("evaluations-question-delete", args=[question.pk]): {},
        reverse("evaluations-event", args=[regatta.pk]): {
            "questionnaire": questionnaire.pk,
            "delay_hours": "1",
        },
        reverse("evaluations-rule-toggle", args=[rule.pk]): {},
    }
    for url, data in posts.items():
        assert browser.post(url, data).status_code == 404, url
    # His own page lists his association's questionnaires, not the club's.
    home = browser.get(reverse("evaluations")).content.decode()
    assert questionnaire.title not in home
    made = browser.post(
        reverse("evaluations-questionnaire-new"), {"organisation": roklub.pk, "title": "Snyd"}
    )
    assert made.status_code == 400
    assert not Questionnaire.objects.filter(title__in=("Snyd", "Kims")).exists()
    rule.refresh_from_db()
    assert rule.is_active and EvaluationRule.objects.count() == 1
    assert Question.objects.count() == 3


def test_only_the_municipality_admin_keeps_its_own_questionnaires(
    nyborg_client, nyborg, nanna, olga, regatta
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    browser.post(reverse("evaluations-questionnaire-new"), {"title": "Kommunens skema"})
    shared = Questionnaire.objects.get(title="Kommunens skema")
    assert shared.organisation is None
    browser = signed_in(nyborg_client, olga, nyborg)
    assert browser.get(reverse("evaluations-questionnaire", args=[shared.pk])).status_code == 404
    refused = browser.post(reverse("evaluations-questionnaire-new"), {"title": "Uden forening"})
    assert refused.status_code == 400
    assert not Questionnaire.objects.filter(title="Uden forening").exists()


def test_nothing_of_nyborg_shows_on_aarhus(
    aarhus_client, aarhus, anders, answered, regatta, kiosk, roklub, rule
):
    questionnaire = Questionnaire.objects.get()
    browser = signed_in(aarhus_client, anders, aarhus)  # Aarhus's own admin
    for url in (
        reverse("evaluations-questionnaire", args=[questionnaire.pk]),
        reverse("evaluations-event", args=[regatta.pk]),
        reverse("evaluations-event-results", args=[regatta.pk]),
        reverse("evaluations-task-results", args=[kiosk.pk]),
        reverse("evaluations-organisation-results", args=[roklub.pk]),
    ):
        response = browser.get(url)
        assert response.status_code == 404, url
        assert "Nyborg" not in response.content.decode()
    home = browser.get(reverse("evaluations")).content.decode()
    assert questionnaire.title not in home and "Nyborg Roklub" not in home

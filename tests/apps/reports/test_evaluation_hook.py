"""The evaluation section: absent from page and exports without answers; with answers it
shows apps.evaluations' scores for the period and the organisation in view."""

from datetime import date

from apps.evaluations.models import Answer, Question, Questionnaire, Response
from apps.shifts.models import Shift
from tests.conftest import signed_in


def test_it_leaves_the_evaluation_section_out_without_scores(client, nyborg, nanna, world):
    signed_in(client, nanna, nyborg)
    response = client.get("/rapporter/", {"year": 2024}, HTTP_HOST="nyborg.localhost")
    assert response.context["report"]["evaluation"] == []
    main = response.content.decode().split("<main", 1)[1]  # the header's menu links to them
    assert "Evalueringer" not in main


def answered(shift: Shift, scores: list[int]) -> None:
    survey = Questionnaire.objects.create(
        organisation=shift.task.event.organisation, title="Hvordan gik det?"
    )
    question = Question.objects.create(
        questionnaire=survey, kind=Question.Kind.SCALE, text="Samlet"
    )
    for score in scores:
        response = Response.objects.create(
            questionnaire=survey,
            organisation=shift.task.event.organisation,
            event=shift.task.event,
            task=shift.task,
            shift=shift,
            submitted_on=date(2024, 6, 1),
        )
        Answer.objects.create(response=response, question=question, scale=score)


def test_it_shows_the_scores_of_the_organisation_in_view(client, nyborg, world, rower):
    mine, theirs = world.organisations[0], world.organisations[1]
    in_2024 = Shift.objects.filter(starts_at__year=2024, starts_at__month__in=(5, 6, 7))
    shift = in_2024.filter(task__event__organisation=mine).select_related("task__event").first()
    other = in_2024.filter(task__event__organisation=theirs).select_related("task__event").first()
    assert shift is not None and other is not None
    answered(shift, [4, 5])
    answered(other, [1])
    signed_in(client, rower, nyborg)
    response = client.get("/rapporter/", {"year": 2024}, HTTP_HOST="nyborg.localhost")
    section = response.context["report"]["evaluation"]
    assert [(row["event_title"], row["responses"], row["average"]) for row in section] == [
        (shift.task.event.title, 2, 4.5)
    ]
    page = response.content.decode()
    assert "Evalueringer" in page and "4,5" in page and other.task.event.title not in str(section)
    body = client.get("/rapporter/eksport/csv/", {"year": 2024}, HTTP_HOST="nyborg.localhost")
    assert f"{shift.task.event.title};2;4,5" in body.content.decode("utf-8-sig")

"""evaluation_scores (for the reports) against a slow reference on random data."""

import random
import zoneinfo
from datetime import date, datetime, timedelta

import pytest

from apps.evaluations.models import Answer, Question, Questionnaire, Response
from apps.evaluations.selectors import evaluation_scores
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, Task

pytestmark = pytest.mark.django_db
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")


def reference(responses, start, end, organisation_id=None):
    rows: dict[int, dict] = {}
    for response in responses:
        day = response.shift.starts_at.astimezone(COPENHAGEN).date()
        if not start <= day <= end:
            continue
        if organisation_id is not None and response.organisation_id != organisation_id:
            continue
        row = rows.setdefault(
            response.event_id,
            {
                "event_id": response.event_id,
                "event_title": response.event.title,
                "organisation_id": response.organisation_id,
                "responses": 0,
                "scales": [],
            },
        )
        row["responses"] += 1
        row["scales"] += [a.scale for a in response.answers.all() if a.scale is not None]
    found = []
    for row in rows.values():
        scales = row.pop("scales")
        row["average"] = sum(scales) / len(scales) if scales else None
        found.append(row)
    return sorted(found, key=lambda r: r["event_id"])


@pytest.fixture
def random_data(in_nyborg):
    rng = random.Random(20261124)
    organisations = [
        Organisation.objects.create(name=f"Forening {i}", is_approved=True) for i in range(3)
    ]
    questionnaire = Questionnaire.objects.create(title="Skema")
    scale_a = Question.objects.create(questionnaire=questionnaire, kind="scale", text="A")
    scale_b = Question.objects.create(questionnaire=questionnaire, kind="scale", text="B")
    text = Question.objects.create(questionnaire=questionnaire, kind="text", text="C")
    base = datetime(2026, 3, 1, tzinfo=COPENHAGEN)
    for n in range(12):
        organisation = rng.choice(organisations)
        first = base + timedelta(days=rng.randrange(0, 60))
        event = Event.objects.create(
            organisation=organisation,
            title=f"Arrangement {n}",
            starts_at=first,
            ends_at=first + timedelta(days=3),
        )
        task = Task.objects.create(event=event, title="Opgave")
        for _ in range(rng.randrange(0, 4)):
            # Some shifts start just before or after midnight, local time.
            start = first + timedelta(days=rng.randrange(0, 3), hours=rng.choice([0, 1, 10, 23]))
            start += timedelta(minutes=rng.choice([0, 30]))
            shift = Shift.objects.create(
                task=task, starts_at=start, ends_at=start + timedelta(hours=2), capacity=9
            )
            for _ in range(rng.randrange(0, 5)):
                response = Response.objects.create(
                    questionnaire=questionnaire,
                    organisation=organisation,
                    event=event,
                    task=task,
                    shift=shift,
                )
                for question in (scale_a, scale_b):
                    if rng.random() < 0.7:
                        Answer.objects.create(
                            response=response, question=question, scale=rng.randint(1, 5)
                        )
                Answer.objects.create(response=response, question=text, text="x")
    return organisations


def test_it_matches_the_reference_on_random_data(random_data):
    responses = list(Response.objects.select_related("shift", "event").prefetch_related("answers"))
    assert len(responses) > 20
    rng = random.Random(7)
    periods = [(date(2026, 3, 1), date(2026, 5, 31)), (date(2026, 3, 10), date(2026, 3, 10))]
    periods += [
        (date(2026, 3, 1) + timedelta(days=a), date(2026, 3, 1) + timedelta(days=a + b))
        for a, b in ((rng.randrange(60), rng.randrange(30)) for _ in range(8))
    ]
    for start, end in periods:
        for organisation_id in (None, *(o.pk for o in random_data)):
            expected = reference(responses, start, end, organisation_id)
            got = evaluation_scores(start=start, end=end, organisation_id=organisation_id)
            got.sort(key=lambda r: int(r["event_id"]))  # type: ignore[call-overload]
            assert [r | {"average": None} for r in got] == [r | {"average": None} for r in expected]
            for mine, theirs in zip(got, expected, strict=True):
                if theirs["average"] is None:
                    assert mine["average"] is None
                else:
                    assert mine["average"] == pytest.approx(theirs["average"])


def test_it_counts_a_shift_on_its_local_date(in_nyborg, roklub):
    event = Event.objects.create(
        organisation=roklub,
        title="Natløb",
        starts_at=datetime(2026, 6, 1, 23, 30, tzinfo=COPENHAGEN),
        ends_at=datetime(2026, 6, 2, 3, 0, tzinfo=COPENHAGEN),
    )
    task = Task.objects.create(event=event, title="Post")
    # 00:30 on 2 June in Copenhagen is still 1 June in UTC.
    start = datetime(2026, 6, 2, 0, 30, tzinfo=COPENHAGEN)
    shift = Shift.objects.create(
        task=task, starts_at=start, ends_at=start + timedelta(hours=2), capacity=1
    )
    questionnaire = Questionnaire.objects.create(title="S")
    Response.objects.create(
        questionnaire=questionnaire, organisation=roklub, event=event, task=task, shift=shift
    )
    assert evaluation_scores(start=date(2026, 6, 1), end=date(2026, 6, 1)) == []
    assert evaluation_scores(start=date(2026, 6, 2), end=date(2026, 6, 2)) == [
        {
            "event_id": event.pk,
            "event_title": "Natløb",
            "organisation_id": roklub.pk,
            "responses": 1,
            "average": None,
        }
    ]

"""Demo history for `make run`: last months' events with attendance (for the reports), an
evaluation with answers, a group with posts and an orientation mail, so every page of the
demo has something to show. Written straight to the models: a demo must send no mail."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from apps.accounts.models import User
from apps.attendance.models import Attendance
from apps.evaluations.models import Answer, EvaluationRule, Question, Questionnaire, Response
from apps.groups.models import Group, GroupMember, Post
from apps.members.models import Membership
from apps.messaging.models import OrientationTemplate
from apps.organisations.models import Organisation
from apps.shifts.models import Category, Event, Shift, SignUp, Task
from demo.management.commands._demo_seasons import past_events

PAST_DAYS_AGO = [75, 40, 10]  # what the events are follows the season (_demo_seasons)
SURVEY = "Hvordan gik din vagt?"
STATUSES = [Attendance.Status.PRESENT] * 8 + [Attendance.Status.LATE, Attendance.Status.NO_SHOW]


def seed_history() -> None:
    if Questionnaire.objects.filter(title=SURVEY).exists():
        return
    rng = random.Random(2026)  # noqa: S311 (the same demo every time; not for secrets)
    organisation = Organisation.objects.get(name="Havnefestforeningen")
    people = list(User.objects.filter(email__startswith="frivillig").order_by("email"))
    today = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    starts = [today - timedelta(days=days_ago) for days_ago in PAST_DAYS_AGO]
    events = []
    for start, (title, category) in zip(
        starts, past_events([start.date() for start in starts]), strict=True
    ):
        event = _past_event(organisation, title, Category.objects.get(slug=category), start)
        _attended(event, people, rng)
        events.append(event)
    _evaluation(organisation, events, rng)
    _group(organisation, people)
    _orientation()


def _past_event(
    organisation: Organisation, title: str, category: Category, start: datetime
) -> Event:
    event = Event.objects.create(
        organisation=organisation,
        title=title,
        category=category,
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        status=Event.Status.PUBLISHED,
        published_at=start - timedelta(days=30),
    )
    task = Task.objects.create(event=event, title="Hjælper")
    for n in range(3):
        Shift.objects.create(
            task=task,
            starts_at=start + timedelta(hours=2 * n),
            ends_at=start + timedelta(hours=2 * n + 2),
            capacity=len(STATUSES),
        )
    return event


def _attended(event: Event, people: list[User], rng: random.Random) -> None:
    for shift in Shift.objects.filter(task__event=event):
        for person in people:
            signup = SignUp.objects.create(
                shift=shift,
                user=person,
                status=SignUp.Status.CONFIRMED,
                confirmed_at=shift.starts_at,
            )
            status = rng.choice(STATUSES)
            hours = Decimal("0") if status == Attendance.Status.NO_SHOW else Decimal("2")
            Attendance.objects.create(signup=signup, status=status, hours=hours)
        Shift.objects.filter(pk=shift.pk).update(confirmed_count=len(people))


def _evaluation(organisation: Organisation, events: list[Event], rng: random.Random) -> None:
    survey = Questionnaire.objects.create(
        organisation=organisation, title=SURVEY, is_anonymous=True
    )
    scale = Question.objects.create(
        questionnaire=survey,
        kind=Question.Kind.SCALE,
        text="Hvor godt var du klædt på til opgaven?",
    )
    words = Question.objects.create(
        questionnaire=survey,
        kind=Question.Kind.TEXT,
        text="Hvad kan vi gøre bedre?",
        required=False,
    )
    for event in events:
        EvaluationRule.objects.create(questionnaire=survey, event=event, delay_hours=2)
        shift = Shift.objects.filter(task__event=event).select_related("task").earliest("starts_at")
        for _n in range(4):
            response = Response.objects.create(
                questionnaire=survey,
                organisation=organisation,
                event=event,
                task=shift.task,
                shift=shift,
            )
            Answer.objects.create(
                response=response, question=scale, scale=rng.choice([3, 4, 4, 5, 5])
            )
            Answer.objects.create(
                response=response, question=words, text="Mere kaffe til morgenholdet."
            )


def _group(organisation: Organisation, people: list[User]) -> None:
    coordinator = User.objects.get(email="koordinator@example.dk")
    group = Group.objects.create(
        organisation=organisation,
        name="Barholdet",
        description="Alle, der står i baren, når foreningen holder fest på havnen.",
        created_by=coordinator,
    )
    for person in people:
        GroupMember.objects.create(group=group, user=person, added_by=coordinator)
        Membership.objects.get_or_create(
            user=person, organisation=organisation, defaults={"started_on": timezone.localdate()}
        )
    first = Post.objects.create(
        group=group,
        author=coordinator,
        body="Vi mødes **kl. 9** ved baren. Husk sko, der kan tåle øl.",
    )
    if people:
        Post.objects.create(group=group, author=people[0], body="Jeg tager kage med!", parent=first)


def _orientation() -> None:
    event = (
        Event.objects.filter(organisation__name="Havnefestforeningen", starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    if event is None:
        return
    OrientationTemplate.objects.create(
        event=event,
        days_before=3,
        subject=f"Praktisk om {event.title.lower()}",
        body_markdown=(
            "Mød op ved **indgangen** et kvarter før din vagt. Der er mad til alle hjælpere."
        ),
    )

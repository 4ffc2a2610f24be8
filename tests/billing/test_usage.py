"""Metering: active volunteers and SMS segments per tenant per calendar month, held to a
slow reference written in plain Python over every row."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import schema_context, tenant_context

from apps.attendance.models import Attendance
from apps.members.models import Membership
from apps.messaging.models import Delivery, Message
from apps.organisations.models import Organisation
from apps.shifts.models import Event, SignUp, Task
from billing.models import UsageMonth
from billing.selectors import usage_for_month
from billing.services import usage_record
from billing.tasks import dispatch_meter_month, meter_month
from tests.personas import make_shift, person, place

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
NOVEMBER = date(2026, 11, 1)


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CPH)


def kiosk_task(organisation: Organisation) -> Task:
    event = Event.objects.create(
        organisation=organisation,
        title="Regatta",
        starts_at=local(1, 8),
        ends_at=local(30, 20),
        status=Event.Status.PUBLISHED,
        address="Havnen 1",
    )
    return Task.objects.create(event=event, title="Kiosk")


def attended(task: Task, user, start: datetime, *, status=SignUp.Status.CONFIRMED, mark="present"):
    shift = make_shift(task, capacity=5, start=start)
    signup = place(shift, user, status, through_service=False)
    return Attendance.objects.create(signup=signup, status=mark)


def sms(message: Message, user, sent_at: datetime, segments: int | None, **extra) -> Delivery:
    return Delivery.objects.create(
        message=message,
        user=user,
        channel=extra.pop("channel", Delivery.Channel.SMS),
        address="+4512345678",
        status=extra.pop("status", Delivery.Status.SENT),
        sent_at=sent_at,
        segments=segments,
    )


def reference(tenant, month: date) -> tuple[int, int]:
    """The slow way: every row read into Python, each rule applied by hand."""
    zone = ZoneInfo(tenant.timezone)
    people = set()
    with tenant_context(tenant):
        for row in Attendance.objects.select_related("signup__shift"):
            local_start = row.signup.shift.starts_at.astimezone(zone)
            if (
                row.status in ("present", "late")
                and row.signup.status == "confirmed"
                and not row.signup.shift.is_cancelled
                and (local_start.year, local_start.month) == (month.year, month.month)
            ):
                people.add(row.signup.user_id)
        next_first = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        for membership in Membership.objects.all():
            ended = membership.ended_on
            in_force = membership.started_on < next_first and (
                (membership.status == "active" and (ended is None or ended >= month))
                or (membership.status == "ended" and ended is not None and ended >= month)
            )
            if in_force:
                people.add(membership.user_id)
        segments = 0
        for delivery in Delivery.objects.all():
            sent = delivery.sent_at and delivery.sent_at.astimezone(zone)
            if (
                delivery.channel == "sms"
                and delivery.status == "sent"
                and sent
                and (sent.year, sent.month) == (month.year, month.month)
            ):
                segments += delivery.segments or 1
    return len(people), segments


@pytest.fixture
def november(nyborg, roklub, frida, bo, carl, dorthe):
    """Nyborg's November, every edge of it; and VisitAarhus's people, who never count."""
    task = kiosk_task(roklub)
    attended(task, frida, local(30, 23, 30))  # the last evening of the month: November
    attended(task, frida, local(12, 10))  # Frida twice: still one person
    attended(task, bo, local(1, 0, 30, month=12))  # 00:30 on 1 December: not November
    attended(task, carl, local(10, 10), status=SignUp.Status.CANCELLED)  # cancelled: no
    attended(task, dorthe, local(11, 10), mark="no_show")  # did not come: no
    # Frida is a member as well: she counts once.
    Membership.objects.create(user=frida, organisation=roklub, started_on=date(2025, 1, 1))
    gone = person("Gerda")  # ended mid-month: she counts for November
    Membership.objects.create(
        user=gone,
        organisation=roklub,
        status=Membership.Status.ENDED,
        started_on=date(2024, 1, 1),
        ended_on=date(2026, 11, 15),
    )
    long_gone = person("Hans")  # ended in October: no
    Membership.objects.create(
        user=long_gone,
        organisation=roklub,
        status=Membership.Status.ENDED,
        started_on=date(2024, 1, 1),
        ended_on=date(2026, 10, 31),
    )
    late = person("Ida")  # starts in December: no
    Membership.objects.create(user=late, organisation=roklub, started_on=date(2026, 12, 1))
    paused = person("Jens")  # paused: no
    Membership.objects.create(
        user=paused, organisation=roklub, status="paused", started_on=date(2025, 1, 1)
    )
    message = Message.objects.create(
        organisation=roklub,
        subject="Info",
        body_markdown="Hej",
        audience_kind=Message.Audience.EVENT,
        audience_id=0,
        status=Message.Status.SENT,
    )
    sms(message, frida, local(30, 23, 30), 2)  # the last evening: November, two segments
    sms(message, bo, local(3, 9), None)  # sent before segments were kept: one
    sms(message, carl, local(4, 9), 3, status=Delivery.Status.FAILED)  # not sent: no
    sms(message, dorthe, local(4, 9), None, channel=Delivery.Channel.EMAIL)  # a mail: no
    sms(message, gone, local(1, 0, 30, month=12), 4)  # December
    return task


@pytest.fixture
def aarhus_people(aarhus):
    with tenant_context(aarhus):
        club = Organisation.objects.create(name="Aarhus Guider", is_approved=True)
        task = kiosk_task(club)
        for name in ("Ulla", "Viggo"):
            someone = person(name)
            attended(task, someone, local(20, 10))
            Membership.objects.create(user=someone, organisation=club, started_on=date(2025, 1, 1))
        return club


def test_it_counts_each_active_volunteer_once_with_every_edge_of_the_month(
    nyborg, november, aarhus_people
):
    with schema_context("public"):
        usage = usage_for_month(tenant=nyborg, month=NOVEMBER)
    # Frida (attended and member), Gerda (membership ended on the 15th).
    assert (usage.active_volunteers, usage.sms_segments) == (2, 3)
    assert (usage.active_volunteers, usage.sms_segments) == reference(nyborg, NOVEMBER)


def test_it_counts_december_apart(nyborg, november, aarhus_people):
    usage = usage_for_month(tenant=nyborg, month=date(2026, 12, 1))
    # Bo (00:30 on the 1st), Frida (member), Ida (starts on the 1st); Gerda's SMS.
    assert (usage.active_volunteers, usage.sms_segments) == (3, 4)
    assert (usage.active_volunteers, usage.sms_segments) == reference(nyborg, date(2026, 12, 1))


def test_it_never_counts_another_tenants_people(nyborg, aarhus, november, aarhus_people):
    assert usage_for_month(tenant=aarhus, month=NOVEMBER).active_volunteers == 2
    assert reference(aarhus, NOVEMBER) == (2, 0)


def test_it_stores_the_month_once_and_a_rerun_changes_nothing(nyborg, november):
    with schema_context("public"):
        first = usage_record(tenant=nyborg, month=date(2026, 11, 17))
        again = usage_record(tenant=nyborg, month=NOVEMBER)
        assert first.pk == again.pk and first.month == NOVEMBER
        assert UsageMonth.objects.filter(tenant=nyborg).count() == 1
        assert (again.active_volunteers, again.sms_segments) == (2, 3)


def test_it_meters_in_a_task_per_tenant_and_the_task_is_idempotent(nyborg, november):
    from billing.models import Plan, Subscription

    with schema_context("public"):
        plan = Plan.objects.create(
            name="Kommune",
            kind="municipality",
            period="monthly",
            base_price=100,
            included_volunteers=10,
        )
        Subscription.objects.create(tenant=nyborg, plan=plan, status="active")
        assert dispatch_meter_month("2026-11-01") == 1  # eager Celery: runs the tenant task
        with tenant_context(nyborg):
            meter_month("2026-11-01")  # a rerun
        rows = list(
            UsageMonth.objects.filter(tenant=nyborg).values_list(
                "month", "active_volunteers", "sms_segments"
            )
        )
    assert rows == [(NOVEMBER, 2, 3)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_agrees_with_the_slow_reference_on_random_months(nyborg, roklub, seed):
    """Random people, shifts near the months' edges, statuses and memberships of every
    kind: the query and the reference give the same figures for three months."""
    import random

    rng = random.Random(seed)
    task = kiosk_task(roklub)
    message = Message.objects.create(
        organisation=roklub,
        subject="Info",
        body_markdown="Hej",
        audience_kind=Message.Audience.EVENT,
        audience_id=0,
        status=Message.Status.SENT,
    )
    edges = [local(1, 0, 30, month=m) for m in (11, 12)] + [local(31, 23, 30, month=10)]
    edges += [local(30, 23, 30), local(31, 23, 59, month=12), local(15, 12)]
    for n in range(30):
        someone = person(f"Random{seed}x{n}")
        for _shift in range(rng.randint(0, 3)):
            attended(
                task,
                someone,
                rng.choice(edges) + timedelta(minutes=rng.choice([0, 1, -1, 90])),
                status=rng.choice([SignUp.Status.CONFIRMED] * 3 + [SignUp.Status.CANCELLED]),
                mark=rng.choice(["present", "late", "no_show"]),
            )
        if rng.random() < 0.6:
            status = rng.choice(["active", "ended", "paused"])
            ended = rng.choice([None, date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 30)])
            Membership.objects.create(
                user=someone,
                organisation=roklub,
                status=status,
                started_on=rng.choice([date(2025, 1, 1), date(2026, 11, 30), date(2026, 12, 1)]),
                ended_on=ended,
            )
        if rng.random() < 0.9:
            sms(
                message,
                someone,
                rng.choice(edges),
                rng.choice([None, 1, 2, 3]),
                status=rng.choice([Delivery.Status.SENT] * 2 + [Delivery.Status.FAILED]),
                channel=rng.choice([Delivery.Channel.SMS] * 2 + [Delivery.Channel.EMAIL]),
            )
    figures = []
    for month in (date(2026, 10, 1), NOVEMBER, date(2026, 12, 1)):
        usage = usage_for_month(tenant=nyborg, month=month)
        figures.append((usage.active_volunteers, usage.sms_segments))
        assert figures[-1] == reference(nyborg, month)
    # Not a comparison of zeros: people and segments in every month, segments somewhere.
    assert all(volunteers for volunteers, _segments in figures)
    assert sum(segments for _volunteers, segments in figures)

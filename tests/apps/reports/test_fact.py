"""The reporting fact table follows every change to what it copies (triggers of migration 0002).

Nyborg is a tenant cloned from the template schema (tests/conftest.py), so these tests also
show that a clone carries the table's functions and triggers. After each change the figures
are held to the reference, read again from the source tables through the ORM.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from apps.attendance.models import Attendance
from apps.reports.figures import Period, report_figures
from apps.shifts.models import Event, Shift, SignUp, Task
from tests.apps.reports.test_figures import assert_report_matches
from tests.personas import person


def reread(world) -> None:
    """The world's plain lists, from the source tables as they are now."""
    world.attendances = [
        {
            "user": a.signup.user_id,
            "starts_at": a.signup.shift.starts_at,
            "organisation": a.signup.shift.task.event.organisation_id,
            "category": a.signup.shift.task.event.category_id,
            "event": a.signup.shift.task.event_id,
            "status": a.status,
            "hours": a.hours,
        }
        for a in Attendance.objects.select_related("signup__shift__task__event")
    ]
    world.shifts = [
        {
            "starts_at": s.starts_at,
            "organisation": s.task.event.organisation_id,
            "category": s.task.event.category_id,
            "event": s.task.event_id,
            "capacity": s.capacity,
            "confirmed": s.confirmed_count,
            "cancelled": s.is_cancelled or s.task.event.status == Event.Status.CANCELLED,
        }
        for s in Shift.objects.select_related("task__event")
    ]


def assert_all_match(world) -> None:
    reread(world)
    for year in (2023, 2024, 2025):
        assert_report_matches(world, Period.year(year))
        for organisation in world.organisations:
            assert_report_matches(world, Period.year(year), organisation.pk)
    assert_report_matches(world, Period(date(2024, 11, 15), date(2025, 2, 14)))


def attended_event(world, year: int) -> Event:
    event = (
        Event.objects.filter(
            tasks__shifts__signups__attendance__status="present",
            tasks__shifts__starts_at__year=year,
        )
        .distinct()
        .order_by("pk")
        .first()
    )
    assert event is not None
    return event


def test_it_follows_an_event_to_another_organisation_and_category(world):
    event = attended_event(world, 2024)
    before = report_figures(Period.year(2024), organisation_id=world.organisations[2].pk)
    event.organisation = world.organisations[2]
    event.category = world.categories[2] if event.category != world.categories[2] else None
    event.save()
    assert_all_match(world)
    after = report_figures(Period.year(2024), organisation_id=world.organisations[2].pk)
    assert after["totals"]["attended"] > before["totals"]["attended"]


def test_it_follows_a_shift_moved_to_another_year_and_task(world):
    shift = Shift.objects.filter(
        signups__attendance__status="present", starts_at__year=2024
    ).first()
    shift.starts_at += timedelta(days=400)
    shift.ends_at += timedelta(days=400)
    shift.task = Task.objects.exclude(event=shift.task.event).order_by("pk").first()
    shift.save()
    assert_all_match(world)


def test_it_follows_a_task_moved_to_another_event(world):
    task = Task.objects.filter(event=attended_event(world, 2023)).first()
    task.event = Event.objects.exclude(pk=task.event_id).order_by("-pk").first()
    task.save()
    assert_all_match(world)


def test_it_follows_a_sign_up_given_to_another_person(world):
    signup = SignUp.objects.filter(attendance__status="late").order_by("pk").first()
    signup.user = person("Nybegynder")
    signup.save()
    assert_all_match(world)
    every_year = Period(date(2023, 1, 1), date(2025, 12, 31))
    assert signup.user_id in {row["key"] for row in report_figures(every_year)["volunteers"]}


def test_it_follows_attendance_marked_corrected_and_deleted(world):
    present = Attendance.objects.filter(status="present").order_by("pk")
    corrected, deleted = present[0], present[1]
    corrected.status, corrected.hours = "no_show", Decimal("0")
    corrected.save()
    Attendance.objects.filter(status="late").update(hours=Decimal("7.25"))  # one statement
    deleted.delete()
    # A new attendance for someone who had not been marked yet.
    waiting = SignUp.objects.filter(status="confirmed", attendance__isnull=True).first()
    assert waiting is not None
    Attendance.objects.create(signup=waiting, status="present", hours=Decimal("2.75"))
    assert_all_match(world)


def test_it_follows_a_deleted_shift(world):
    Shift.objects.filter(signups__attendance__isnull=False).order_by("pk").first().delete()
    assert_all_match(world)


def test_it_keeps_one_fact_per_attendance(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT attendance_id) FROM reports_attendance_fact"
        )
        facts, distinct = cursor.fetchone()
    assert facts == distinct == Attendance.objects.count() > 0

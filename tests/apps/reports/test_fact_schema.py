"""The fact triggers write into the schema of the table that fired them (migrations 0004 and
0005), whatever the caller's search_path: psql's `public`, or a tenant cloned after the
migration. They need nothing a Citus worker lacks (0005): no transition table, no branching
on the table's name (a shard's name there).

VisitAarhus (the other tenant) and the template must never receive a fact of Nyborg's.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from apps.attendance.models import Attendance
from apps.organisations.models import Organisation
from apps.shifts.models import Event, SignUp
from tenants.services import tenant_provision
from tests.apps.reports.test_fact import assert_all_match
from tests.personas import in_days, make_shift, person, place

pytestmark = pytest.mark.django_db


def facts(schema: str) -> list[tuple]:
    """(attendance, came, hundredths, starts_at) in `schema`, read schema-qualified."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT attendance_id, came, hundredths, starts_at FROM "{schema}".'
            "reports_attendance_fact ORDER BY attendance_id"
        )
        return list(cursor.fetchall())


def as_psql(*statements: tuple[str, list]) -> None:
    """Run statements as someone in psql would: search_path public, names qualified."""
    with connection.cursor() as cursor:
        cursor.execute("SET search_path TO public")
        # A foreign key broken here must fail here, not at a commit the test never reaches.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql, params in statements:
            cursor.execute(sql, params)
    connection.set_schema_to_public()  # django-tenants sets its search_path again next time


def test_it_keeps_the_facts_in_the_tenants_schema_when_psql_writes_with_search_path_public(
    morning, frida, bo, nyborg, aarhus
):
    hers, his = place(morning, frida), place(morning, bo)
    marked = Attendance.objects.create(signup=hers, status="present", hours=Decimal("3"))
    starts = morning.starts_at
    aarhus_before, template_before = facts("visitaarhus"), facts("tenant_template")
    connection.set_schema_to_public()

    as_psql(
        (
            "INSERT INTO nyborg.attendance_attendance (signup_id, status, hours, "
            "correction_reason, hours_override, updated_at) "
            "VALUES (%s, 'late', 2.5, '', false, now())",
            [his.pk],
        ),
        ("UPDATE nyborg.attendance_attendance SET status = 'no_show' WHERE id = %s", [marked.pk]),
        (
            "UPDATE nyborg.shifts_shift SET starts_at = starts_at + interval '1 day', "
            "ends_at = ends_at + interval '1 day' "
            "WHERE id = %s",
            [morning.pk],
        ),
    )
    later = starts + timedelta(days=1)
    new_id = facts("nyborg")[1][0]
    assert facts("nyborg") == [(marked.pk, False, 300, later), (new_id, True, 250, later)]

    as_psql(
        ("DELETE FROM nyborg.attendance_attendance WHERE signup_id = %s", [his.pk]),
        ("DELETE FROM nyborg.shifts_signup WHERE id = %s", [his.pk]),
    )
    assert facts("nyborg") == [(marked.pk, False, 300, later)]
    assert facts("visitaarhus") == aarhus_before and facts("tenant_template") == template_before


def test_a_tenant_cloned_after_the_migration_writes_its_facts_into_its_own_schema(nyborg):
    klon = tenant_provision(
        slug="klon", name="Klon Kommune", admin_email="k@klon.dk", admin_name="K"
    ).tenant
    nyborg_before, template_before = facts("nyborg"), facts("tenant_template")
    with tenant_context(klon):
        club = Organisation.objects.create(name="Klon Roklub", is_approved=True)
        event = Event.objects.create(
            organisation=club,
            title="Regatta",
            starts_at=in_days(10, 8),
            ends_at=in_days(10, 20),
            status=Event.Status.PUBLISHED,
        )
        shift = make_shift(event.tasks.create(title="Kiosk"))
        signup = place(shift, person("Klara"))
        marked = Attendance.objects.create(signup=signup, status="present", hours=Decimal("1"))
    assert facts("klon") == [(marked.pk, True, 100, shift.starts_at)]
    as_psql(("DELETE FROM klon.attendance_attendance WHERE id = %s", [marked.pk]))
    assert facts("klon") == []
    assert facts("nyborg") == nyborg_before and facts("tenant_template") == template_before


def test_it_keeps_the_report_right_when_psql_deletes_sign_ups(world, in_nyborg):
    """A data fix in psql: sign-ups deleted with their attendances, schema-qualified, with
    psql's search_path; every figure still equals the reference read from the source."""
    came = SignUp.objects.filter(attendance__status="present").order_by("pk")[:2]
    missed = SignUp.objects.filter(attendance__status="no_show").order_by("pk")[:1]
    unmarked = SignUp.objects.filter(attendance__isnull=True).order_by("pk")[:1]
    doomed = [s.pk for s in [*came, *missed, *unmarked]]
    assert len(doomed) == 4
    facts_before = len(facts("nyborg"))
    as_psql(
        ("DELETE FROM nyborg.attendance_attendance WHERE signup_id = ANY(%s)", [doomed]),
        ("DELETE FROM nyborg.shifts_signup WHERE id = ANY(%s)", [doomed]),
    )
    connection.set_tenant(in_nyborg)
    assert not SignUp.objects.filter(pk__in=doomed).exists()
    assert len(facts("nyborg")) == facts_before - 3
    assert_all_match(world)


def test_it_needs_nothing_a_citus_worker_lacks(in_nyborg):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgnewtable, tgoldtable FROM pg_trigger JOIN pg_class c "
            "ON c.oid = tgrelid WHERE c.relnamespace = 'nyborg'::regnamespace "
            "AND tgname LIKE 'reports_fact_%%'"
        )
        triggers = cursor.fetchall()
        cursor.execute(
            "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = 'nyborg'::regnamespace "
            "AND proname LIKE 'reports_fact_%%'"
        )
        sources = dict(cursor.fetchall())
    assert len(triggers) == 8 and all(new is old is None for _, new, old in triggers)
    assert len(sources) == 7
    for name, source in sources.items():
        assert "TG_TABLE_NAME" not in source, name
        assert "TG_TABLE_SCHEMA" in source, name  # every table named from it

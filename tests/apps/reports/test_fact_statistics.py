"""The fact triggers look rows up by primary key even when the statistics say the tables are
empty (migrations 0003 and 0005).

After a mass delete or an import rolled back, and then a vacuum, pg_class says reltuples = 0
while the tables still have pages: the planner estimates one row for each, and a join over
them may turn into nested loops that scan whole tables again for every row. These tests put
the tables in that state (in the test's own transaction, rolled back with it), write as a
coordinator would, and count this transaction's scans (pg_stat_xact_user_tables): no
sequential scan of a table the triggers read, whatever the plan would have been. No timing.
"""

import pytest
from django.db import connection

from apps.attendance.models import Attendance
from apps.shifts.models import Event, Shift, SignUp, Task
from tests.personas import person

SOURCES = ["shifts_event", "shifts_task", "shifts_shift", "shifts_signup"]
TABLES = [*SOURCES, "attendance_attendance", "reports_attendance_fact"]


@pytest.fixture
def statistics_say_empty(world) -> None:
    """What a vacuum after a mass delete leaves: no rows, but pages (also of the indexes)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if not cursor.fetchone()[0]:
            pytest.skip("writing pg_class needs a superuser")
        cursor.execute(
            """
            UPDATE pg_class SET reltuples = 0, relpages = greatest(
                pg_relation_size(oid) / current_setting('block_size')::int, 1)
            WHERE oid = ANY(%(tables)s::regclass[]) OR oid IN (
                SELECT indexrelid FROM pg_index WHERE indrelid = ANY(%(tables)s::regclass[]))
            """,
            {"tables": TABLES},
        )
        # The planner believes it: one row where there are hundreds.
        cursor.execute("EXPLAIN SELECT * FROM shifts_signup")
        assert "rows=1 " in cursor.fetchone()[0]
    assert SignUp.objects.count() > 300


def scans() -> dict[str, tuple[int, int]]:
    """Sequential and index scans of each table so far in this transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, seq_scan, coalesce(idx_scan, 0) FROM pg_stat_xact_user_tables "
            "WHERE schemaname = current_schema() AND relname = ANY(%s)",
            [TABLES],
        )
        found = {name: (seq, idx) for name, seq, idx in cursor.fetchall()}
    return {name: found.get(name, (0, 0)) for name in TABLES}


def scanned_by_triggers(table: str, sql: str, params: list) -> dict[str, tuple[int, int]]:
    """(sequential, index) scans of each table while one statement writes `table`.

    The statement may scan the table it writes (with the statistics saying one row, three
    pages read in order cost less than an index); no trigger reads the table it fires on, so
    that one is left out."""
    before = scans()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.rowcount == 1
    after = scans()
    return {
        name: (after[name][0] - before[name][0], after[name][1] - before[name][1])
        for name in TABLES
        if name != table
    }


def sequentially_scanned(counts: dict[str, tuple[int, int]]) -> set[str]:
    return {name for name, (seq, _) in counts.items() if seq}


def assert_facts_match_the_source() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.id, su.user_id, sh.starts_at, e.id, e.organisation_id, e.category_id,
                   a.status IN ('present', 'late'), (a.hours * 100)::integer
            FROM attendance_attendance a
            JOIN shifts_signup su ON su.id = a.signup_id
            JOIN shifts_shift sh ON sh.id = su.shift_id
            JOIN shifts_task t ON t.id = sh.task_id
            JOIN shifts_event e ON e.id = t.event_id
            ORDER BY a.id
            """
        )
        source = cursor.fetchall()
        cursor.execute("SELECT * FROM reports_attendance_fact ORDER BY attendance_id")
        assert cursor.fetchall() == source
    assert source


def test_it_records_an_attendance_by_primary_keys(statistics_say_empty):
    waiting = SignUp.objects.filter(status="confirmed", attendance__isnull=True).first()
    assert waiting is not None
    counts = scanned_by_triggers(
        "attendance_attendance",
        "INSERT INTO attendance_attendance (signup_id, status, hours, correction_reason, "
        "updated_at) VALUES (%s, 'present', 2.5, '', now())",
        [waiting.pk],
    )
    assert sequentially_scanned(counts) == set()
    assert all(counts[name][1] >= 1 for name in SOURCES), counts  # each looked up
    assert_facts_match_the_source()


def test_it_corrects_and_deletes_an_attendance_by_primary_keys(statistics_say_empty):
    first, second = Attendance.objects.filter(status="present").order_by("pk")[:2]
    counts = scanned_by_triggers(
        "attendance_attendance",
        "UPDATE attendance_attendance SET status = 'no_show', hours = 0 WHERE id = %s",
        [first.pk],
    )
    assert sequentially_scanned(counts) == set()
    counts = scanned_by_triggers(
        "attendance_attendance", "DELETE FROM attendance_attendance WHERE id = %s", [second.pk]
    )
    assert sequentially_scanned(counts) == set()
    assert_facts_match_the_source()


def test_it_follows_changes_above_an_attendance_by_indexes(statistics_say_empty, world):
    signup = SignUp.objects.filter(attendance__status="late").order_by("pk").first()
    shift = Shift.objects.filter(signups__attendance__status="present").order_by("pk").first()
    task = Task.objects.filter(shifts__signups__attendance__isnull=False).order_by("pk").first()
    event = Event.objects.filter(tasks__shifts__signups__attendance__isnull=False).first()
    assert signup and shift and task and event
    other_event = Event.objects.exclude(pk=task.event_id).order_by("-pk").first()
    assert other_event is not None
    newcomer = person("Nybegynder")
    writes = {
        "shifts_signup": (
            "UPDATE shifts_signup SET user_id = %s WHERE id = %s",
            [newcomer.pk, signup.pk],
        ),
        "shifts_shift": (
            "UPDATE shifts_shift SET starts_at = starts_at + interval '40 days', "
            "ends_at = ends_at + interval '40 days' WHERE id = %s",
            [shift.pk],
        ),
        "shifts_task": (
            "UPDATE shifts_task SET event_id = %s WHERE id = %s",
            [other_event.pk, task.pk],
        ),
        "shifts_event": (
            "UPDATE shifts_event SET organisation_id = %s, category_id = NULL WHERE id = %s",
            [world.organisations[2].pk, event.pk],
        ),
    }
    for table, (sql, params) in writes.items():
        counts = scanned_by_triggers(table, sql, params)
        assert sequentially_scanned(counts) == set(), table
    assert_facts_match_the_source()


def test_it_follows_a_big_statement_row_by_row(world):
    """Over 200 rows in one statement (0003/0004 joined these; row triggers since 0005)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE attendance_attendance SET hours = hours + 1")
        assert cursor.rowcount > 200
        assert_facts_match_the_source()
        cursor.execute(
            "DELETE FROM attendance_attendance "
            "WHERE id > (SELECT min(id) FROM attendance_attendance) + 1"
        )
        assert cursor.rowcount > 200
    assert_facts_match_the_source()


def test_it_carries_the_look_ups_into_a_tenant_cloned_from_the_template(in_nyborg):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, proconfig FROM pg_proc "
            "WHERE pronamespace = current_schema()::regnamespace AND proname LIKE 'reports_fact_%'"
        )
        functions = dict(cursor.fetchall())
    # Each look-up function pins enable_seqscan off (TRUNCATE's reads nothing).
    assert functions == {
        "reports_fact_attendance_put": ["enable_seqscan=off"],
        "reports_fact_attendance_forget": ["enable_seqscan=off"],
        "reports_fact_attendance_empty": None,
        "reports_fact_signup_changed": ["enable_seqscan=off"],
        "reports_fact_shift_changed": ["enable_seqscan=off"],
        "reports_fact_task_changed": ["enable_seqscan=off"],
        "reports_fact_event_changed": ["enable_seqscan=off"],
    }

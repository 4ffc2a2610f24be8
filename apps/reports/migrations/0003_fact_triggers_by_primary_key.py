"""The fact triggers of 0002 by primary-key look-ups, whatever the planner's statistics say.

After a mass delete, or an import rolled back, followed by a vacuum, PostgreSQL's statistics
say that the shift tables are empty (pg_class.reltuples = 0 while they still have pages): the
planner then estimates one row for each, and 0002's five-table join for a new attendance
could become nested loops that scan whole tables again for every row (measured: ~44 ms for
one attendance at 1,000 rows, growing quadratically). Until the next ANALYZE every write paid.

So the triggers no longer leave the way to the planner where one row at a time will do:

- an attendance statement of at most 200 rows (counted in its transition table; a coordinator
  marking a shift, a correction) goes row by row through reports_fact_put: sign-up → shift →
  task → event, each by its primary key, then the fact by its own. reports_fact_put runs with
  enable_seqscan off: every look-up in it is one row of a unique index, which a sequential
  scan never beats by more than a few pages, and this way the plan cannot depend on the
  statistics. Deleting few rows deletes their facts by primary key in the same way;
- a bigger statement (an import, a data fix, the benchmark's million) keeps 0002's
  set-based join: one hash join beats a million look-ups, and a statement that big is planned
  for the rows its transition table has;
- reports_fact_refresh (a sign-up, shift, task or event changed) reads the one row above the
  changed row by primary key, then reaches the facts below it through the foreign-key indexes
  (shift → sign-ups → attendance → fact), also with enable_seqscan off.

The functions still name tables without a schema (they run with the tenant's search_path),
and the clone of the template schema for a new tenant copies them with their SET clauses.
tests/apps/reports/test_fact_statistics.py puts the tables in that state and counts the
scans of one transaction.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION reports_fact_put(
    a_id bigint, a_signup bigint, a_status varchar, a_hours numeric
) RETURNS void LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
    v_user bigint;
    v_shift bigint;
    v_starts timestamptz;
    v_task bigint;
    v_event bigint;
    v_organisation bigint;
    v_category bigint;
BEGIN
    SELECT su.user_id, su.shift_id INTO v_user, v_shift
    FROM shifts_signup su WHERE su.id = a_signup;
    IF NOT FOUND THEN
        RETURN;  -- as the join would: no sign-up (yet), no fact
    END IF;
    SELECT sh.starts_at, sh.task_id INTO v_starts, v_task FROM shifts_shift sh WHERE sh.id = v_shift;
    SELECT t.event_id INTO v_event FROM shifts_task t WHERE t.id = v_task;
    SELECT e.organisation_id, e.category_id INTO v_organisation, v_category
    FROM shifts_event e WHERE e.id = v_event;
    IF NOT FOUND THEN
        RETURN;  -- a shift, task or event missing (its foreign key is checked at commit)
    END IF;
    INSERT INTO reports_attendance_fact AS f VALUES (
        a_id, v_user, v_starts, v_event, v_organisation, v_category,
        a_status IN ('present', 'late'), (a_hours * 100)::integer
    )
    ON CONFLICT (attendance_id) DO UPDATE SET
        user_id = excluded.user_id, starts_at = excluded.starts_at,
        event_id = excluded.event_id, organisation_id = excluded.organisation_id,
        category_id = excluded.category_id, came = excluded.came,
        hundredths = excluded.hundredths;
END $$;

CREATE OR REPLACE FUNCTION reports_fact_upsert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    r record;
BEGIN
    SELECT count(*) INTO n FROM (SELECT FROM changed_attendance LIMIT 201) few;
    IF n <= 200 THEN
        FOR r IN SELECT id, signup_id, status, hours FROM changed_attendance LOOP
            PERFORM reports_fact_put(r.id, r.signup_id, r.status, r.hours);
        END LOOP;
        RETURN NULL;
    END IF;
    INSERT INTO reports_attendance_fact AS f
    SELECT a.id, su.user_id, sh.starts_at, e.id, e.organisation_id, e.category_id,
           a.status IN ('present', 'late'), (a.hours * 100)::integer
    FROM changed_attendance a
    JOIN shifts_signup su ON su.id = a.signup_id
    JOIN shifts_shift sh ON sh.id = su.shift_id
    JOIN shifts_task t ON t.id = sh.task_id
    JOIN shifts_event e ON e.id = t.event_id
    ON CONFLICT (attendance_id) DO UPDATE SET
        user_id = excluded.user_id, starts_at = excluded.starts_at,
        event_id = excluded.event_id, organisation_id = excluded.organisation_id,
        category_id = excluded.category_id, came = excluded.came,
        hundredths = excluded.hundredths;
    RETURN NULL;
END $$;

CREATE FUNCTION reports_fact_forget(a_id bigint) RETURNS void
LANGUAGE sql SET enable_seqscan = off AS $$
    DELETE FROM reports_attendance_fact WHERE attendance_id = a_id;
$$;

CREATE OR REPLACE FUNCTION reports_fact_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    r record;
BEGIN
    SELECT count(*) INTO n FROM (SELECT FROM removed_attendance LIMIT 201) few;
    IF n <= 200 THEN
        FOR r IN SELECT id FROM removed_attendance LOOP
            PERFORM reports_fact_forget(r.id);
        END LOOP;
        RETURN NULL;
    END IF;
    DELETE FROM reports_attendance_fact f USING removed_attendance a
    WHERE f.attendance_id = a.id;
    RETURN NULL;
END $$;

-- Everything below a changed sign-up, shift, task or event: the rows above it by primary key,
-- the facts below it through the foreign-key indexes.
CREATE OR REPLACE FUNCTION reports_fact_refresh() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
    v_starts timestamptz;
    v_task bigint;
    v_event bigint;
    v_organisation bigint;
    v_category bigint;
BEGIN
    IF TG_TABLE_NAME = 'shifts_event' THEN
        UPDATE reports_attendance_fact
        SET organisation_id = NEW.organisation_id, category_id = NEW.category_id
        WHERE event_id = NEW.id;
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'shifts_signup' THEN
        SELECT sh.starts_at, sh.task_id INTO v_starts, v_task
        FROM shifts_shift sh WHERE sh.id = NEW.shift_id;
    ELSIF TG_TABLE_NAME = 'shifts_shift' THEN
        v_starts := NEW.starts_at;
        v_task := NEW.task_id;
    END IF;
    IF TG_TABLE_NAME = 'shifts_task' THEN
        v_event := NEW.event_id;
    ELSE
        SELECT t.event_id INTO v_event FROM shifts_task t WHERE t.id = v_task;
    END IF;
    SELECT e.organisation_id, e.category_id INTO v_organisation, v_category
    FROM shifts_event e WHERE e.id = v_event;

    IF TG_TABLE_NAME = 'shifts_task' THEN
        UPDATE reports_attendance_fact f
        SET event_id = v_event, organisation_id = v_organisation, category_id = v_category
        FROM shifts_shift sh
        JOIN shifts_signup su ON su.shift_id = sh.id
        JOIN attendance_attendance a ON a.signup_id = su.id
        WHERE sh.task_id = NEW.id AND f.attendance_id = a.id;
    ELSIF TG_TABLE_NAME = 'shifts_shift' THEN
        UPDATE reports_attendance_fact f
        SET starts_at = v_starts, event_id = v_event, organisation_id = v_organisation,
            category_id = v_category
        FROM shifts_signup su
        JOIN attendance_attendance a ON a.signup_id = su.id
        WHERE su.shift_id = NEW.id AND f.attendance_id = a.id;
    ELSE  -- shifts_signup
        UPDATE reports_attendance_fact f
        SET user_id = NEW.user_id, starts_at = v_starts, event_id = v_event,
            organisation_id = v_organisation, category_id = v_category
        FROM attendance_attendance a
        WHERE a.signup_id = NEW.id AND f.attendance_id = a.id;
    END IF;
    RETURN NULL;
END $$;
"""

# 0002's functions as they were.
REVERSE = """
CREATE OR REPLACE FUNCTION reports_fact_upsert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reports_attendance_fact AS f
    SELECT a.id, su.user_id, sh.starts_at, e.id, e.organisation_id, e.category_id,
           a.status IN ('present', 'late'), (a.hours * 100)::integer
    FROM changed_attendance a
    JOIN shifts_signup su ON su.id = a.signup_id
    JOIN shifts_shift sh ON sh.id = su.shift_id
    JOIN shifts_task t ON t.id = sh.task_id
    JOIN shifts_event e ON e.id = t.event_id
    ON CONFLICT (attendance_id) DO UPDATE SET
        user_id = excluded.user_id, starts_at = excluded.starts_at,
        event_id = excluded.event_id, organisation_id = excluded.organisation_id,
        category_id = excluded.category_id, came = excluded.came,
        hundredths = excluded.hundredths;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION reports_fact_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM reports_attendance_fact f USING removed_attendance a
    WHERE f.attendance_id = a.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION reports_fact_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'shifts_event' THEN
        UPDATE reports_attendance_fact
        SET organisation_id = NEW.organisation_id, category_id = NEW.category_id
        WHERE event_id = NEW.id;
    ELSIF TG_TABLE_NAME = 'shifts_task' THEN
        UPDATE reports_attendance_fact f
        SET event_id = e.id, organisation_id = e.organisation_id, category_id = e.category_id
        FROM shifts_event e, shifts_shift sh
        JOIN shifts_signup su ON su.shift_id = sh.id
        JOIN attendance_attendance a ON a.signup_id = su.id
        WHERE e.id = NEW.event_id AND sh.task_id = NEW.id AND f.attendance_id = a.id;
    ELSIF TG_TABLE_NAME = 'shifts_shift' THEN
        UPDATE reports_attendance_fact f
        SET starts_at = NEW.starts_at, event_id = e.id, organisation_id = e.organisation_id,
            category_id = e.category_id
        FROM shifts_task t
        JOIN shifts_event e ON e.id = t.event_id, shifts_signup su
        JOIN attendance_attendance a ON a.signup_id = su.id
        WHERE t.id = NEW.task_id AND su.shift_id = NEW.id AND f.attendance_id = a.id;
    ELSE  -- shifts_signup
        UPDATE reports_attendance_fact f
        SET user_id = NEW.user_id, starts_at = sh.starts_at, event_id = e.id,
            organisation_id = e.organisation_id, category_id = e.category_id
        FROM shifts_shift sh
        JOIN shifts_task t ON t.id = sh.task_id
        JOIN shifts_event e ON e.id = t.event_id, attendance_attendance a
        WHERE sh.id = NEW.shift_id AND a.signup_id = NEW.id AND f.attendance_id = a.id;
    END IF;
    RETURN NULL;
END $$;
ALTER FUNCTION reports_fact_refresh() RESET enable_seqscan;

DROP FUNCTION IF EXISTS reports_fact_forget(bigint);
DROP FUNCTION IF EXISTS reports_fact_put(bigint, bigint, varchar, numeric);
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_attendance_fact")]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=REVERSE)]

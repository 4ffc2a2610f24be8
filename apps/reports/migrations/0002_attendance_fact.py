"""A reporting fact table that PostgreSQL keeps itself: one narrow row per attendance.

The figures read a period's attendances with who, when, which event, organisation and
category, whether the person came and the hours. Joined from shift → task → event → sign-up →
attendance that costs an index look-up per row; here it is one range of one covering index.

Triggers keep the rows right, whatever writes (services, admin, a data fix in psql):
attendance insert/update/delete/truncate; a shift's start or task; a task's event; an event's
organisation or category; a sign-up's person or shift. Attendance triggers work per statement
with transition tables (a bulk insert is one join, not a million); the others fire per row
and only when a column the facts copy has changed. The functions name tables without a
schema: they run with the tenant's search_path, and the clone of the template schema for a
new tenant copies functions and triggers as they are (tests/apps/reports/test_fact.py).
"""

from django.db import migrations

FORWARD = """
CREATE TABLE reports_attendance_fact (
    attendance_id bigint PRIMARY KEY,
    user_id bigint NOT NULL,
    starts_at timestamptz NOT NULL,
    event_id bigint NOT NULL,
    organisation_id bigint NOT NULL,
    category_id bigint NULL,
    came boolean NOT NULL,
    -- Attendance.hours in hundredths (it has two decimals): integer sums are much cheaper.
    hundredths integer NOT NULL
);
-- A period is a range of starts; everything the figures read is in the index (index-only).
CREATE INDEX reports_attendance_fact_period ON reports_attendance_fact (starts_at)
    INCLUDE (user_id, event_id, organisation_id, category_id, came, hundredths);
-- 'New': has this person come before the previous period (in this scope)?
CREATE INDEX reports_attendance_fact_person ON reports_attendance_fact (user_id, starts_at)
    INCLUDE (organisation_id) WHERE came;
CREATE INDEX reports_attendance_fact_event ON reports_attendance_fact (event_id);

CREATE FUNCTION reports_fact_upsert() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE FUNCTION reports_fact_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM reports_attendance_fact f USING removed_attendance a
    WHERE f.attendance_id = a.id;
    RETURN NULL;
END $$;

CREATE FUNCTION reports_fact_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE reports_attendance_fact;
    RETURN NULL;
END $$;

-- Everything below a changed sign-up, shift, task or event, read again from the source;
-- one statement per table, so that each starts from its changed row's index.
CREATE FUNCTION reports_fact_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER reports_fact_insert AFTER INSERT ON attendance_attendance
    REFERENCING NEW TABLE AS changed_attendance
    FOR EACH STATEMENT EXECUTE FUNCTION reports_fact_upsert();
CREATE TRIGGER reports_fact_update AFTER UPDATE ON attendance_attendance
    REFERENCING NEW TABLE AS changed_attendance
    FOR EACH STATEMENT EXECUTE FUNCTION reports_fact_upsert();
CREATE TRIGGER reports_fact_delete AFTER DELETE ON attendance_attendance
    REFERENCING OLD TABLE AS removed_attendance
    FOR EACH STATEMENT EXECUTE FUNCTION reports_fact_delete();
CREATE TRIGGER reports_fact_truncate AFTER TRUNCATE ON attendance_attendance
    FOR EACH STATEMENT EXECUTE FUNCTION reports_fact_truncate();
CREATE TRIGGER reports_fact_signup AFTER UPDATE ON shifts_signup FOR EACH ROW
    WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.shift_id IS DISTINCT FROM NEW.shift_id)
    EXECUTE FUNCTION reports_fact_refresh();
CREATE TRIGGER reports_fact_shift AFTER UPDATE ON shifts_shift FOR EACH ROW
    WHEN (OLD.starts_at IS DISTINCT FROM NEW.starts_at OR OLD.task_id IS DISTINCT FROM NEW.task_id)
    EXECUTE FUNCTION reports_fact_refresh();
CREATE TRIGGER reports_fact_task AFTER UPDATE ON shifts_task FOR EACH ROW
    WHEN (OLD.event_id IS DISTINCT FROM NEW.event_id)
    EXECUTE FUNCTION reports_fact_refresh();
CREATE TRIGGER reports_fact_event AFTER UPDATE ON shifts_event FOR EACH ROW
    WHEN (OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
          OR OLD.category_id IS DISTINCT FROM NEW.category_id)
    EXECUTE FUNCTION reports_fact_refresh();

-- The attendances recorded before this migration.
INSERT INTO reports_attendance_fact
SELECT a.id, su.user_id, sh.starts_at, e.id, e.organisation_id, e.category_id,
       a.status IN ('present', 'late'), (a.hours * 100)::integer
FROM attendance_attendance a
JOIN shifts_signup su ON su.id = a.signup_id
JOIN shifts_shift sh ON sh.id = su.shift_id
JOIN shifts_task t ON t.id = sh.task_id
JOIN shifts_event e ON e.id = t.event_id;
-- The planner's statistics at once, not when autovacuum gets round to the new table.
ANALYZE reports_attendance_fact;
"""

REVERSE = """
DROP TRIGGER IF EXISTS reports_fact_event ON shifts_event;
DROP TRIGGER IF EXISTS reports_fact_task ON shifts_task;
DROP TRIGGER IF EXISTS reports_fact_shift ON shifts_shift;
DROP TRIGGER IF EXISTS reports_fact_signup ON shifts_signup;
DROP TRIGGER IF EXISTS reports_fact_truncate ON attendance_attendance;
DROP TRIGGER IF EXISTS reports_fact_delete ON attendance_attendance;
DROP TRIGGER IF EXISTS reports_fact_update ON attendance_attendance;
DROP TRIGGER IF EXISTS reports_fact_insert ON attendance_attendance;
DROP FUNCTION IF EXISTS reports_fact_refresh();
DROP FUNCTION IF EXISTS reports_fact_truncate();
DROP FUNCTION IF EXISTS reports_fact_delete();
DROP FUNCTION IF EXISTS reports_fact_upsert();
DROP TABLE IF EXISTS reports_attendance_fact;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("attendance", "0001_initial"),
        ("shifts", "0003_event_reminder_hours"),
    ]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=REVERSE)]

"""The fact triggers as row triggers, one function per table, that also run on a Citus worker.

On Citus (docs/scaling.md) a tenant's tables are shards on a worker, and a trigger fires on
the shard: its table is `shifts_signup_102042` there, and the worker's planner cannot plan a
transition table joined to a distributed table. 0002-0004's functions did both (a statement
trigger joining `changed_attendance` to the shift tables; one function branching on
TG_TABLE_NAME for four tables). Now:

- each trigger fires FOR EACH ROW, with its own function (no TG_TABLE_NAME);
- every table is named from TG_TABLE_SCHEMA (`EXECUTE format('%I. ...') USING`), never
  through the caller's search_path (psql's is `public`) and never with a stored schema name
  (a clone of the template would copy it verbatim, 0004);
- an attendance is put by primary-key look-ups: sign-up → shift → task → event, one row of a
  unique index each, then the fact by its own key. The functions run with enable_seqscan off,
  so that statistics a vacuum leaves after a mass delete (reltuples 0) cannot turn a look-up
  into scans (0003); an UPDATE fires only when a column the fact copies changed;
- TRUNCATE empties the facts with DELETE (a plain statement on the shard's co-located fact
  table; a TRUNCATE from inside a trigger on a worker would be a distributed command).

What this costs: a big statement (an import) puts its facts one row at a time instead of by
one join; bench/reports.py prints it. tests/apps/reports/test_fact*.py hold the facts to the
reference; tests/citus/ runs them on a worker.
"""

import importlib

from django.db import migrations

# The look-ups shared by the attendance and sign-up functions, from a shift id in v_shift.
LOOK_UP_ABOVE_SHIFT = """
    EXECUTE format('SELECT starts_at, task_id FROM %I.shifts_shift WHERE id = $1', s)
    INTO v_starts, v_task USING v_shift;
    EXECUTE format('SELECT event_id FROM %I.shifts_task WHERE id = $1', s)
    INTO v_event USING v_task;
    EXECUTE format('SELECT id, organisation_id, category_id FROM %I.shifts_event WHERE id = $1', s)
    INTO v_event, v_organisation, v_category USING v_event;
"""

FORWARD = (
    """
DROP TRIGGER reports_fact_insert ON attendance_attendance;
DROP TRIGGER reports_fact_update ON attendance_attendance;
DROP TRIGGER reports_fact_delete ON attendance_attendance;
DROP TRIGGER reports_fact_truncate ON attendance_attendance;
DROP TRIGGER reports_fact_signup ON shifts_signup;
DROP TRIGGER reports_fact_shift ON shifts_shift;
DROP TRIGGER reports_fact_task ON shifts_task;
DROP TRIGGER reports_fact_event ON shifts_event;
DROP FUNCTION reports_fact_upsert();
DROP FUNCTION reports_fact_delete();
DROP FUNCTION reports_fact_truncate();
DROP FUNCTION reports_fact_refresh();
DROP FUNCTION reports_fact_put(text, bigint, bigint, varchar, numeric);
DROP FUNCTION reports_fact_forget(text, bigint);

-- An attendance recorded or changed: its fact, from the rows above it by primary key.
CREATE FUNCTION reports_fact_attendance_put() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
    s text := TG_TABLE_SCHEMA;
    v_user bigint;
    v_shift bigint;
    v_starts timestamptz;
    v_task bigint;
    v_event bigint;
    v_organisation bigint;
    v_category bigint;
BEGIN
    EXECUTE format('SELECT user_id, shift_id FROM %I.shifts_signup WHERE id = $1', s)
    INTO v_user, v_shift USING NEW.signup_id;
    IF v_shift IS NULL THEN
        RETURN NULL;  -- no sign-up (yet; its foreign key is checked at commit): no fact
    END IF;
"""  # noqa: S608 (constants only)
    + LOOK_UP_ABOVE_SHIFT
    + """
    IF v_event IS NULL THEN
        RETURN NULL;  -- a shift, task or event missing (checked at commit)
    END IF;
    EXECUTE format($sql$
        INSERT INTO %I.reports_attendance_fact AS f VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (attendance_id) DO UPDATE SET
            user_id = excluded.user_id, starts_at = excluded.starts_at,
            event_id = excluded.event_id, organisation_id = excluded.organisation_id,
            category_id = excluded.category_id, came = excluded.came,
            hundredths = excluded.hundredths
    $sql$, s)
    USING NEW.id, v_user, v_starts, v_event, v_organisation, v_category,
          NEW.status IN ('present', 'late'), (NEW.hours * 100)::integer;
    RETURN NULL;
END $$;

CREATE FUNCTION reports_fact_attendance_forget() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
    EXECUTE format('DELETE FROM %I.reports_attendance_fact WHERE attendance_id = $1',
                   TG_TABLE_SCHEMA)
    USING OLD.id;
    RETURN NULL;
END $$;

CREATE FUNCTION reports_fact_attendance_empty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DELETE FROM %I.reports_attendance_fact', TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;

-- A sign-up given to another person or moved to another shift.
CREATE FUNCTION reports_fact_signup_changed() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
    s text := TG_TABLE_SCHEMA;
    v_shift bigint := NEW.shift_id;
    v_starts timestamptz;
    v_task bigint;
    v_event bigint;
    v_organisation bigint;
    v_category bigint;
BEGIN
"""
    + LOOK_UP_ABOVE_SHIFT
    + """
    EXECUTE format($sql$
        UPDATE %1$I.reports_attendance_fact f
        SET user_id = $1, starts_at = $2, event_id = $3, organisation_id = $4, category_id = $5
        FROM %1$I.attendance_attendance a
        WHERE a.signup_id = $6 AND f.attendance_id = a.id
    $sql$, s) USING NEW.user_id, v_starts, v_event, v_organisation, v_category, NEW.id;
    RETURN NULL;
END $$;

-- A shift moved in time or to another task: the facts of its sign-ups' attendances.
CREATE FUNCTION reports_fact_shift_changed() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
    s text := TG_TABLE_SCHEMA;
    v_event bigint;
    v_organisation bigint;
    v_category bigint;
BEGIN
    EXECUTE format('SELECT event_id FROM %I.shifts_task WHERE id = $1', s)
    INTO v_event USING NEW.task_id;
    EXECUTE format('SELECT organisation_id, category_id FROM %I.shifts_event WHERE id = $1', s)
    INTO v_organisation, v_category USING v_event;
    EXECUTE format($sql$
        UPDATE %1$I.reports_attendance_fact f
        SET starts_at = $1, event_id = $2, organisation_id = $3, category_id = $4
        FROM %1$I.shifts_signup su
        JOIN %1$I.attendance_attendance a ON a.signup_id = su.id
        WHERE su.shift_id = $5 AND f.attendance_id = a.id
    $sql$, s) USING NEW.starts_at, v_event, v_organisation, v_category, NEW.id;
    RETURN NULL;
END $$;

-- A task moved to another event.
CREATE FUNCTION reports_fact_task_changed() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
    s text := TG_TABLE_SCHEMA;
    v_organisation bigint;
    v_category bigint;
BEGIN
    EXECUTE format('SELECT organisation_id, category_id FROM %I.shifts_event WHERE id = $1', s)
    INTO v_organisation, v_category USING NEW.event_id;
    EXECUTE format($sql$
        UPDATE %1$I.reports_attendance_fact f
        SET event_id = $1, organisation_id = $2, category_id = $3
        FROM %1$I.shifts_shift sh
        JOIN %1$I.shifts_signup su ON su.shift_id = sh.id
        JOIN %1$I.attendance_attendance a ON a.signup_id = su.id
        WHERE sh.task_id = $4 AND f.attendance_id = a.id
    $sql$, s) USING NEW.event_id, v_organisation, v_category, NEW.id;
    RETURN NULL;
END $$;

-- An event given to another organisation or category.
CREATE FUNCTION reports_fact_event_changed() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
    EXECUTE format('UPDATE %I.reports_attendance_fact SET organisation_id = $1, '
                   'category_id = $2 WHERE event_id = $3', TG_TABLE_SCHEMA)
    USING NEW.organisation_id, NEW.category_id, NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER reports_fact_insert AFTER INSERT ON attendance_attendance
    FOR EACH ROW EXECUTE FUNCTION reports_fact_attendance_put();
CREATE TRIGGER reports_fact_update AFTER UPDATE ON attendance_attendance FOR EACH ROW
    WHEN (OLD.signup_id IS DISTINCT FROM NEW.signup_id OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.hours IS DISTINCT FROM NEW.hours)
    EXECUTE FUNCTION reports_fact_attendance_put();
CREATE TRIGGER reports_fact_delete AFTER DELETE ON attendance_attendance
    FOR EACH ROW EXECUTE FUNCTION reports_fact_attendance_forget();
CREATE TRIGGER reports_fact_truncate AFTER TRUNCATE ON attendance_attendance
    FOR EACH STATEMENT EXECUTE FUNCTION reports_fact_attendance_empty();
CREATE TRIGGER reports_fact_signup AFTER UPDATE ON shifts_signup FOR EACH ROW
    WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.shift_id IS DISTINCT FROM NEW.shift_id)
    EXECUTE FUNCTION reports_fact_signup_changed();
CREATE TRIGGER reports_fact_shift AFTER UPDATE ON shifts_shift FOR EACH ROW
    WHEN (OLD.starts_at IS DISTINCT FROM NEW.starts_at OR OLD.task_id IS DISTINCT FROM NEW.task_id)
    EXECUTE FUNCTION reports_fact_shift_changed();
CREATE TRIGGER reports_fact_task AFTER UPDATE ON shifts_task FOR EACH ROW
    WHEN (OLD.event_id IS DISTINCT FROM NEW.event_id)
    EXECUTE FUNCTION reports_fact_task_changed();
CREATE TRIGGER reports_fact_event AFTER UPDATE ON shifts_event FOR EACH ROW
    WHEN (OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
          OR OLD.category_id IS DISTINCT FROM NEW.category_id)
    EXECUTE FUNCTION reports_fact_event_changed();
"""
)

_0004 = importlib.import_module("apps.reports.migrations.0004_fact_triggers_by_trigger_schema")

# Back to 0004: its functions (without its first two statements, which dropped 0003's
# helpers) and 0002's statement and row triggers.
REVERSE = (
    """
DROP TRIGGER reports_fact_insert ON attendance_attendance;
DROP TRIGGER reports_fact_update ON attendance_attendance;
DROP TRIGGER reports_fact_delete ON attendance_attendance;
DROP TRIGGER reports_fact_truncate ON attendance_attendance;
DROP TRIGGER reports_fact_signup ON shifts_signup;
DROP TRIGGER reports_fact_shift ON shifts_shift;
DROP TRIGGER reports_fact_task ON shifts_task;
DROP TRIGGER reports_fact_event ON shifts_event;
DROP FUNCTION reports_fact_attendance_put();
DROP FUNCTION reports_fact_attendance_forget();
DROP FUNCTION reports_fact_attendance_empty();
DROP FUNCTION reports_fact_signup_changed();
DROP FUNCTION reports_fact_shift_changed();
DROP FUNCTION reports_fact_task_changed();
DROP FUNCTION reports_fact_event_changed();
"""
    + _0004.FORWARD.split("DROP FUNCTION reports_fact_forget(bigint);", 1)[1]
    + """
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
"""
)


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_fact_triggers_by_trigger_schema")]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=REVERSE)]

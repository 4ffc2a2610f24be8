"""The fact triggers name their tables in the schema of the table that fired them.

0002/0003's functions named tables without a schema, so they resolved them through the
caller's search_path: from psql (search_path public), deleting or recording attendance in
a tenant's schema raised "relation reports_attendance_fact does not exist", and a caller
whose search_path put another tenant first would have written into that tenant's facts.

Each function now builds every table name from TG_TABLE_SCHEMA (the trigger functions) or
from the schema they are given (the helpers, which the triggers call schema-qualified)
with format('%I. ...') and runs it with EXECUTE ... USING. The functions are not pinned
with ALTER FUNCTION ... SET search_path: the clone of the template schema copies a pinned
schema name verbatim, so a cloned tenant's triggers would write into the template. No
schema name is stored anywhere in these functions; a clone's copy works in its own schema.

The logic is 0003's: up to 200 rows one by one by primary key (enable_seqscan off in the
helpers), bigger statements by one set-based join.
tests/apps/reports/test_fact_schema.py: psql-like search_path, and a tenant cloned after this.
"""

import importlib

from django.db import migrations

FORWARD = """
DROP FUNCTION reports_fact_put(bigint, bigint, varchar, numeric);
DROP FUNCTION reports_fact_forget(bigint);

CREATE FUNCTION reports_fact_put(
    a_schema text, a_id bigint, a_signup bigint, a_status varchar, a_hours numeric
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
    EXECUTE format('SELECT su.user_id, su.shift_id FROM %I.shifts_signup su WHERE su.id = $1',
                   a_schema)
    INTO v_user, v_shift USING a_signup;
    IF v_shift IS NULL THEN
        RETURN;  -- as the join would: no sign-up (yet), no fact
    END IF;
    EXECUTE format('SELECT sh.starts_at, sh.task_id FROM %I.shifts_shift sh WHERE sh.id = $1',
                   a_schema)
    INTO v_starts, v_task USING v_shift;
    EXECUTE format('SELECT t.event_id FROM %I.shifts_task t WHERE t.id = $1', a_schema)
    INTO v_event USING v_task;
    EXECUTE format('SELECT e.id, e.organisation_id, e.category_id FROM %I.shifts_event e '
                   'WHERE e.id = $1', a_schema)
    INTO v_event, v_organisation, v_category USING v_event;
    IF v_event IS NULL THEN
        RETURN;  -- a shift, task or event missing (its foreign key is checked at commit)
    END IF;
    EXECUTE format($sql$
        INSERT INTO %I.reports_attendance_fact AS f VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (attendance_id) DO UPDATE SET
            user_id = excluded.user_id, starts_at = excluded.starts_at,
            event_id = excluded.event_id, organisation_id = excluded.organisation_id,
            category_id = excluded.category_id, came = excluded.came,
            hundredths = excluded.hundredths
    $sql$, a_schema)
    USING a_id, v_user, v_starts, v_event, v_organisation, v_category,
          a_status IN ('present', 'late'), (a_hours * 100)::integer;
END $$;

CREATE OR REPLACE FUNCTION reports_fact_upsert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    r record;
BEGIN
    SELECT count(*) INTO n FROM (SELECT FROM changed_attendance LIMIT 201) few;
    IF n <= 200 THEN
        FOR r IN SELECT id, signup_id, status, hours FROM changed_attendance LOOP
            EXECUTE format('SELECT %I.reports_fact_put($1, $2, $3, $4, $5)', TG_TABLE_SCHEMA)
            USING TG_TABLE_SCHEMA, r.id, r.signup_id, r.status, r.hours;
        END LOOP;
        RETURN NULL;
    END IF;
    EXECUTE format($sql$
        INSERT INTO %1$I.reports_attendance_fact AS f
        SELECT a.id, su.user_id, sh.starts_at, e.id, e.organisation_id, e.category_id,
               a.status IN ('present', 'late'), (a.hours * 100)::integer
        FROM changed_attendance a
        JOIN %1$I.shifts_signup su ON su.id = a.signup_id
        JOIN %1$I.shifts_shift sh ON sh.id = su.shift_id
        JOIN %1$I.shifts_task t ON t.id = sh.task_id
        JOIN %1$I.shifts_event e ON e.id = t.event_id
        ON CONFLICT (attendance_id) DO UPDATE SET
            user_id = excluded.user_id, starts_at = excluded.starts_at,
            event_id = excluded.event_id, organisation_id = excluded.organisation_id,
            category_id = excluded.category_id, came = excluded.came,
            hundredths = excluded.hundredths
    $sql$, TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;

CREATE FUNCTION reports_fact_forget(a_schema text, a_id bigint) RETURNS void
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
    EXECUTE format('DELETE FROM %I.reports_attendance_fact WHERE attendance_id = $1', a_schema)
    USING a_id;
END $$;

CREATE OR REPLACE FUNCTION reports_fact_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    r record;
BEGIN
    SELECT count(*) INTO n FROM (SELECT FROM removed_attendance LIMIT 201) few;
    IF n <= 200 THEN
        FOR r IN SELECT id FROM removed_attendance LOOP
            EXECUTE format('SELECT %I.reports_fact_forget($1, $2)', TG_TABLE_SCHEMA)
            USING TG_TABLE_SCHEMA, r.id;
        END LOOP;
        RETURN NULL;
    END IF;
    EXECUTE format('DELETE FROM %I.reports_attendance_fact f USING removed_attendance a '
                   'WHERE f.attendance_id = a.id', TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION reports_fact_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('TRUNCATE %I.reports_attendance_fact', TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;

-- Everything below a changed sign-up, shift, task or event: the rows above it by primary key,
-- the facts below it through the foreign-key indexes.
CREATE OR REPLACE FUNCTION reports_fact_refresh() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
    s text := TG_TABLE_SCHEMA;
    v_starts timestamptz;
    v_task bigint;
    v_event bigint;
    v_organisation bigint;
    v_category bigint;
BEGIN
    IF TG_TABLE_NAME = 'shifts_event' THEN
        EXECUTE format('UPDATE %I.reports_attendance_fact SET organisation_id = $1, '
                       'category_id = $2 WHERE event_id = $3', s)
        USING NEW.organisation_id, NEW.category_id, NEW.id;
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'shifts_signup' THEN
        EXECUTE format('SELECT sh.starts_at, sh.task_id FROM %I.shifts_shift sh '
                       'WHERE sh.id = $1', s)
        INTO v_starts, v_task USING NEW.shift_id;
    ELSIF TG_TABLE_NAME = 'shifts_shift' THEN
        v_starts := NEW.starts_at;
        v_task := NEW.task_id;
    END IF;
    IF TG_TABLE_NAME = 'shifts_task' THEN
        v_event := NEW.event_id;
    ELSE
        EXECUTE format('SELECT t.event_id FROM %I.shifts_task t WHERE t.id = $1', s)
        INTO v_event USING v_task;
    END IF;
    EXECUTE format('SELECT e.organisation_id, e.category_id FROM %I.shifts_event e '
                   'WHERE e.id = $1', s)
    INTO v_organisation, v_category USING v_event;

    IF TG_TABLE_NAME = 'shifts_task' THEN
        EXECUTE format($sql$
            UPDATE %1$I.reports_attendance_fact f
            SET event_id = $1, organisation_id = $2, category_id = $3
            FROM %1$I.shifts_shift sh
            JOIN %1$I.shifts_signup su ON su.shift_id = sh.id
            JOIN %1$I.attendance_attendance a ON a.signup_id = su.id
            WHERE sh.task_id = $4 AND f.attendance_id = a.id
        $sql$, s) USING v_event, v_organisation, v_category, NEW.id;
    ELSIF TG_TABLE_NAME = 'shifts_shift' THEN
        EXECUTE format($sql$
            UPDATE %1$I.reports_attendance_fact f
            SET starts_at = $1, event_id = $2, organisation_id = $3, category_id = $4
            FROM %1$I.shifts_signup su
            JOIN %1$I.attendance_attendance a ON a.signup_id = su.id
            WHERE su.shift_id = $5 AND f.attendance_id = a.id
        $sql$, s) USING v_starts, v_event, v_organisation, v_category, NEW.id;
    ELSE  -- shifts_signup
        EXECUTE format($sql$
            UPDATE %1$I.reports_attendance_fact f
            SET user_id = $1, starts_at = $2, event_id = $3, organisation_id = $4,
                category_id = $5
            FROM %1$I.attendance_attendance a
            WHERE a.signup_id = $6 AND f.attendance_id = a.id
        $sql$, s) USING NEW.user_id, v_starts, v_event, v_organisation, v_category, NEW.id;
    END IF;
    RETURN NULL;
END $$;
"""

_0003 = importlib.import_module("apps.reports.migrations.0003_fact_triggers_by_primary_key")

# Back to 0003: its helpers had no schema argument, and its truncate was 0002's.
REVERSE = (
    """
DROP FUNCTION reports_fact_put(text, bigint, bigint, varchar, numeric);
DROP FUNCTION reports_fact_forget(text, bigint);
CREATE OR REPLACE FUNCTION reports_fact_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE reports_attendance_fact;
    RETURN NULL;
END $$;
"""
    + _0003.FORWARD
)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_fact_triggers_by_primary_key")]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=REVERSE)]

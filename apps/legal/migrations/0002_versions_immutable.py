"""A published version of a legal page never changes: what a person accepted stays what
they read. The database refuses UPDATE and DELETE of a version, whatever writes (the
service, the admin site, a data fix in psql). TRUNCATE (the test runner's flush) and DROP
SCHEMA are not row operations and still work. The function names no schema: it is created
in each tenant's schema, and the clone of the template copies it with the trigger."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION legal_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a published legal page version is immutable; publish a new version'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER legal_version_immutable BEFORE UPDATE OR DELETE ON legal_documentversion
    FOR EACH ROW EXECUTE FUNCTION legal_version_immutable();
"""

REVERSE = """
DROP TRIGGER IF EXISTS legal_version_immutable ON legal_documentversion;
DROP FUNCTION IF EXISTS legal_version_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_legal_pages")]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=REVERSE)]

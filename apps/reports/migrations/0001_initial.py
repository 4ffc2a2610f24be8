"""An index the reports need on a table of the attendance app.

Reports reach a period's attendances from its shifts, one look-up per sign-up; with the hours
and status in the index those look-ups never touch the table (an index-only scan). It lives
here, not in apps.attendance, because only reports need it and that app is not ours to
change; IF NOT EXISTS keeps it harmless should attendance add the same index later.
"""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("attendance", "0001_initial"),
        ("shifts", "0002_signup_over_workload"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_attendance_signup_cover "
            "ON attendance_attendance (signup_id) INCLUDE (status, hours)",
            reverse_sql="DROP INDEX IF EXISTS reports_attendance_signup_cover",
        ),
    ]

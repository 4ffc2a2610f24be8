"""A person who switched text messages on for any kind before consents were rows gets an
SMS consent row (so they see it on their account page and can withdraw it)."""

from django.db import migrations
from django.db.models import Min


def forwards(apps, schema_editor) -> None:
    preference_model = apps.get_model("messaging", "Preference")
    consent_model = apps.get_model("legal", "Consent")
    opted_in = (
        preference_model.objects.filter(sms=True)
        .values("user_id")
        .annotate(since=Min("updated_at"))
        .order_by("user_id")
    )
    consent_model.objects.bulk_create(
        [
            consent_model(
                user_id=row["user_id"],
                purpose="sms",
                basis="consent",
                given_at=row["since"],
                method="earlier",
            )
            for row in opted_in.iterator()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def backwards(apps, schema_editor) -> None:
    apps.get_model("legal", "Consent").objects.filter(purpose="sms", method="earlier").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0006_kinds_from_registry"),
        ("legal", "0005_consents_from_earlier_records"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

"""Existing records become Consent rows: each PrivacyConsent (the notice version accepted
at registration), and people registered before versions existed (accounts.User.consented_at
with no PrivacyConsent), as acknowledgements of information. PrivacyConsent and
consented_at are kept as they were (other code and tests still read them)."""

from django.db import migrations


def forwards(apps, schema_editor) -> None:
    consent_model = apps.get_model("legal", "Consent")
    privacy_model = apps.get_model("legal", "PrivacyConsent")
    user_model = apps.get_model("accounts", "User")
    rows = [
        consent_model(
            user_id=old.user_id,
            purpose="privacy_notice",
            basis="information",
            version_id=old.version_id,
            given_at=old.accepted_at,
            method="registration",
        )
        for old in privacy_model.objects.all().iterator()
    ]
    with_version = set(privacy_model.objects.values_list("user_id", flat=True))
    rows += [
        consent_model(
            user_id=user_id,
            purpose="privacy_notice",
            basis="information",
            given_at=consented_at,
            method="earlier",
        )
        for user_id, consented_at in user_model.objects.filter(consented_at__isnull=False)
        .exclude(pk__in=with_version)
        .values_list("pk", "consented_at")
        .iterator()
    ]
    consent_model.objects.bulk_create(rows, batch_size=1000)


def backwards(apps, schema_editor) -> None:
    apps.get_model("legal", "Consent").objects.filter(purpose="privacy_notice").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0004_consent"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

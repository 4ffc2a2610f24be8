from django.db import migrations, models

OPEN = ("trial", "active")
CLOSED = ("suspended", "archived")


def remember_open_status(apps, schema_editor):
    """Backfill from the audit log: the last open status each closed tenant left."""
    Tenant = apps.get_model("tenants", "Tenant")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for tenant in Tenant.objects.filter(status__in=CLOSED):
        last = (
            AuditEvent.objects.filter(
                action="tenant.status",
                target_type="tenants.Tenant",
                target_id=str(tenant.pk),
                data__old__in=OPEN,
                data__new__in=CLOSED,
            )
            .order_by("-created_at", "-id")
            .first()
        )
        if last is not None:
            tenant.status_before_closing = last.data["old"]
            tenant.save(update_fields=["status_before_closing"])


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0002_messaging_settings"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="tenant",
            name="status_before_closing",
            field=models.CharField(
                blank=True,
                choices=[("trial", "Trial"), ("active", "Active")],
                editable=False,
                max_length=20,
                verbose_name="status before suspension",
            ),
        ),
        migrations.RunPython(remember_open_status, migrations.RunPython.noop),
    ]

"""Tenants provisioned before the legal pages existed get version 1 of each from the
standard Danish texts, filled in with their name and address, as new tenants do at
provisioning (tenants.services.tenant_provision). The template schema is skipped: a new
tenant is cloned from it and must get texts with its own name, not the template's."""

from django.conf import settings
from django.db import connection, migrations


def publish_standard_versions(apps, schema_editor) -> None:
    schema = getattr(connection, "schema_name", "public")
    if schema in ("public", settings.TENANT_BASE_SCHEMA):
        return
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(schema_name=schema, is_template=False).first()
    if tenant is None:
        return
    from apps.legal.services import tenant_standard_text

    version_model = apps.get_model("legal", "DocumentVersion")
    audit_model = apps.get_model("audit", "AuditEvent")
    from django.utils import timezone

    now = timezone.now()
    for document in ("privacy", "accessibility"):
        if version_model.objects.filter(document=document).exists():
            continue
        version = version_model.objects.create(
            document=document,
            number=1,
            body_markdown=tenant_standard_text(document, tenant=tenant),
            published_at=now,
            is_standard=True,
        )
        audit_model.objects.create(
            actor="system",
            action="legal.published",
            target_type="legal.DocumentVersion",
            target_id=str(version.pk),
            data={"document": document, "number": 1, "standard": True},
        )


class Migration(migrations.Migration):
    dependencies = [("legal", "0002_versions_immutable"), ("audit", "0001_initial")]

    operations = [migrations.RunPython(publish_standard_versions, migrations.RunPython.noop)]

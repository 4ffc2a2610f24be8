from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.exports import tenant_export
from tenants.models import Tenant
from tenants.pgtools import PgToolMissing


class Command(BaseCommand):
    help = "Write one tenant's archive: its schema, public rows, files and a signed manifest."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("out", help="the archive file to write (a tar file)")

    def handle(self, *args, **options):
        tenant = Tenant.objects.filter(schema_name=options["slug"]).first()
        if tenant is None or tenant.status == Tenant.Status.PURGED or tenant.is_template:
            raise CommandError(f"No tenant to export is called {options['slug']!r}.")
        try:
            result = tenant_export(
                tenant=tenant, out=Path(options["out"]), actor="manage.py tenant_export"
            )
        except (PgToolMissing, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.manifest.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {tenant.schema_name} to {result.path}: {rows} rows in "
                f"{len(result.manifest.tables)} tables, {result.manifest.files} files, "
                f"{result.path.stat().st_size} bytes, in {result.seconds:.2f} s."
            )
        )

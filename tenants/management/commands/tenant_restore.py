from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.archive import ArchiveRefused
from tenants.pgtools import PgToolMissing
from tenants.restore import tenant_restore


class Command(BaseCommand):
    help = "Restore a tenant from its archive (tenant_export) into an empty schema."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--as", dest="as_slug", default="", help="restore as a copy")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace the existing tenant of that name (suspended first, schema dropped)",
        )

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        try:
            result = tenant_restore(
                archive=archive,
                as_slug=options["as_slug"],
                replace=options["replace"],
                actor="manage.py tenant_restore",
            )
        except ArchiveRefused as exc:
            raise CommandError(str(exc)) from exc
        except (PgToolMissing, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        for line in result.skipped:
            self.stdout.write(f"Not restored: {line}")
        migrated = f", then {len(result.migrated)} migrations applied" if result.migrated else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.tenant.schema_name} ({result.tenant.get_status_display()}): "
                f"{sum(result.tables.values())} rows in {len(result.tables)} tables{migrated}, "
                f"in {result.seconds:.2f} s."
            )
        )

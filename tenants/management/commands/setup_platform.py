from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.checks import require_template_schema
from tenants.services import public_tenant_ensure, template_ensure
from tenants.template_script import script_keep


class Command(BaseCommand):
    help = (
        "Migrate the public schema, create the template schema, migrate every tenant, and "
        "render the template script new tenants are made from."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=4,
            help="tenant schemas migrated at once, each on its own database connection",
        )
        parser.add_argument(
            "--all-tenants",
            action="store_true",
            help="migrate every tenant schema, whatever migration state is recorded",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        public_tenant_ensure()
        template_ensure()
        # Raises CommandError (a non-zero exit) naming each tenant that failed.
        call_command(
            "migrate_tenants",
            workers=options["workers"],
            force=options["all_tenants"],
            verbosity=verbosity,
        )
        require_template_schema()
        kept = script_keep()  # new only when the template's migrations changed
        if verbosity:
            self.stdout.write(f"Template script: {kept}.")
        self.stdout.write(self.style.SUCCESS("Platform schemas are ready."))

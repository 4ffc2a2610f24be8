from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.checks import require_template_schema
from tenants.services import public_tenant_ensure, template_ensure


class Command(BaseCommand):
    help = "Migrate the public schema, create the template schema, migrate every tenant."

    def add_arguments(self, parser):
        parser.add_argument(
            "--executor", default="standard", choices=["standard", "multiprocessing"]
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        public_tenant_ensure()
        template_ensure()
        call_command(
            "migrate_schemas",
            tenant=True,
            interactive=False,
            verbosity=verbosity,
            executor=options["executor"],
        )
        require_template_schema()
        self.stdout.write(self.style.SUCCESS("Platform schemas are ready."))

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Tenant
from tenants.services import TemplateMissing, tenant_provision


class Command(BaseCommand):
    help = "Provision a tenant (system owner) by cloning the template schema."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", required=True)
        parser.add_argument("--kind", default=Tenant.Kind.MUNICIPALITY, choices=Tenant.Kind.values)
        parser.add_argument("--domain", default="")
        parser.add_argument("--locale", default="da")

    def handle(self, *args, **options):
        try:
            result = tenant_provision(
                slug=options["slug"],
                name=options["name"],
                kind=options["kind"],
                domain=options["domain"],
                locale=options["locale"],
                admin_email=options["admin_email"],
                admin_name=options["admin_name"],
                actor="manage.py provision_tenant",
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"error": exc.messages}
            lines = [f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()]
            raise CommandError("\n".join(lines)) from exc
        except TemplateMissing as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Provisioned {result.tenant.name} at {result.domain.domain} "
                f"in {result.seconds:.2f} s; invitation sent to {result.admin_email}."
            )
        )

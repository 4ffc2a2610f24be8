"""Demo data for `make run`: two tenants and a console login. Safe to run again."""

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context, tenant_context

from apps.accounts.models import User
from demo.management.commands._demo_history import seed_history
from demo.management.commands._demo_logins import (
    CONSOLE_EMAIL,
    DEMO_PASSWORD,
    DEMO_TENANTS,
    VOLUNTEER_EMAIL,
)
from demo.management.commands._demo_marketplace import seed_marketplace
from demo.management.commands._demo_twofactor import seed_second_factor
from tenants.models import Tenant
from tenants.services import tenant_provision


class Command(BaseCommand):
    help = "Seed two demo tenants and a console login."

    def handle(self, *args, **options):
        self._console_login()
        for spec in DEMO_TENANTS:
            self._tenant(spec)
        self.stdout.write(self.style.SUCCESS(f"Demo ready; every demo password is {DEMO_PASSWORD}"))

    def _console_login(self) -> None:
        with schema_context("public"):
            if not User.objects.filter(email=CONSOLE_EMAIL).exists():
                User.objects.create_superuser(CONSOLE_EMAIL, DEMO_PASSWORD, full_name="Vera Vendor")

    def _tenant(self, spec: dict[str, str]) -> None:
        tenant = Tenant.objects.filter(schema_name=spec["slug"]).first()
        if tenant is None:
            tenant = tenant_provision(**spec, actor="seed_demo").tenant
        with tenant_context(tenant):
            admin = User.objects.get(email=spec["admin_email"])
            if not admin.has_usable_password():
                admin.set_password(DEMO_PASSWORD)
                admin.save(update_fields=["password"])
            seed_second_factor(admin=admin)
            seed_marketplace(password=DEMO_PASSWORD, volunteer_email=VOLUNTEER_EMAIL)
            seed_history()

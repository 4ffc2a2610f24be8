"""Twenty tenants on a Citus coordinator with two workers, provisioned once per run.

The database is used as it is (deploy/citus/cluster.sh makes it fresh for every run): a test
copy would need the extension and the worker nodes again. Nyborg and VisitAarhus are the
suite's usual personas' tenants (tests/conftest.py), so tests of other folders can run here
unchanged; eighteen more make the fleet whose placement test_placement.py checks.

Provisioning runs the template script (tenants.template_script) one statement at a time at
top level: Citus distributes only tables created by a top-level statement (a PL/pgSQL clone
would leave the schema distributed with none of its tables).
"""

import time

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context, tenant_context

from apps.accounts.models import User
from tenants.models import Tenant
from tenants.services import tenant_provision
from tests.conftest import AARHUS, NYBORG, PASSWORD

FLEET = 20
# Seconds each provisioning took, in order (test_placement.py prints them).
PROVISIONING: dict[str, float] = {}


def fleet_specs() -> list[dict]:
    others = [
        {
            "slug": f"kommune{n:02d}",
            "name": f"Kommune {n:02d}",
            "admin_email": f"admin@kommune{n:02d}.dk",
            "admin_name": f"Admin {n:02d}",
        }
        for n in range(1, FLEET - 1)
    ]
    return [NYBORG, AARHUS, *others]


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    with django_db_blocker.unblock():
        call_command("setup_platform", verbosity=0)
        for spec in fleet_specs():
            if Tenant.objects.filter(schema_name=spec["slug"]).exists():
                continue  # a second run on the same database (-k, --lf)
            fields = {k: v for k, v in spec.items() if k != "pending_email"}
            started = time.perf_counter()
            tenant = tenant_provision(**fields).tenant
            PROVISIONING[spec["slug"]] = time.perf_counter() - started
            if "pending_email" in spec:
                with tenant_context(tenant):
                    admin = User.objects.get(email=spec["admin_email"])
                    admin.set_password(PASSWORD)
                    admin.save()
                    User.objects.create_user(spec["pending_email"], full_name="Pending Person")
        with schema_context("public"):
            if not User.objects.filter(email="vera@tovholder.dk").exists():
                User.objects.create_superuser(
                    "vera@tovholder.dk", PASSWORD, full_name="Vera Vendor"
                )

"""Personas and tenants shared by the whole suite.

Two system owners are provisioned once per run, by the same service the console uses:
Nyborg Kommune (Nanna, its admin) and VisitAarhus (Anders, its admin: the persona in
another tenant who must never see anything of Nyborg's). Vera is vendor staff.
"""

import os
from collections.abc import Iterator

import pytest
from celery._state import _set_task_join_will_block
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_tenants.utils import schema_context, tenant_context

from apps.accounts.models import User
from apps.messaging import sms
from config.celery import app as celery_app
from kernel import ratelimit
from tenants.models import Tenant
from tenants.services import tenant_provision
from tests.twofactor import app_device

# The regatta's personas (Frida, Bo, Carl, Dorthe, Kim, the roklub and its shifts) and
# `place`; strict: undefined template variables and errors logged with a traceback fail;
# localstripe: a real fake Stripe server for the tests that ask for `stripe_api`.
pytest_plugins = ["tests.personas", "tests.strict", "tests.localstripe"]

PASSWORD = "correct horse battery staple"
NYBORG = {
    "slug": "nyborg",
    "name": "Nyborg Kommune",
    "admin_email": "nanna@nyborg.dk",
    "admin_name": "Nanna Nyborg",
    "welcome_text": "Velkommen til frivillige i Nyborg",
    "pending_email": "pia@nyborg.dk",
}
AARHUS = {
    "slug": "visitaarhus",
    "name": "VisitAarhus",
    "admin_email": "anders@visitaarhus.dk",
    "admin_name": "Anders Aarhus",
    "kind": Tenant.Kind.REGION,
    "primary_colour": "#1d5c4d",
    "welcome_text": "Aarhus byder velkommen",
    "pending_email": "ida@visitaarhus.dk",
}


# Parallel runs (pytest-xdist): each worker has its own test database (pytest-django adds
# the suffix) but all share one Redis, whose keys carry only the schema name; keep the
# workers' counters apart. No cache has been opened yet when this module is imported.
settings.CACHES["default"]["KEY_PREFIX"] += os.environ.get("PYTEST_XDIST_WORKER", "")

# Production's hasher with few iterations (tests/hashers.py): no password is hashed yet.
settings.PASSWORD_HASHERS = ["tests.hashers.FastPBKDF2PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _eager_celery() -> Iterator[None]:
    # Tasks run in-process unless a test starts a real worker (tests/config/test_celery.py).
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("setup_platform", verbosity=0)
        for spec in (NYBORG, AARHUS):
            fields = {key: value for key, value in spec.items() if key != "pending_email"}
            tenant = tenant_provision(**fields).tenant
            with tenant_context(tenant):
                admin = User.objects.get(email=spec["admin_email"])
                admin.set_password(PASSWORD)
                admin.save()
                # Invited, not signed up yet; the same id in both schemas (see test_celery.py).
                User.objects.create_user(spec["pending_email"], full_name="Pending Person")
        with schema_context("public"):
            User.objects.create_superuser("vera@tovholder.dk", PASSWORD, full_name="Vera Vendor")


@pytest.fixture(autouse=True)
def _task_joins_allowed() -> Iterator[None]:
    # A live server thread that ran eager tasks can leave Celery's process-wide "inside a
    # task" flag set; the next test's `.delay().get()` would then be refused.
    yield
    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _password_only_console(settings) -> None:
    # Production demands two-factor for vendor staff; tests opt back in where they test it.
    settings.CONSOLE_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # The suite signs in (and fails to) many times from 127.0.0.1: every test starts with
    # no counts (only this worker's: the keys carry the cache prefix set above).
    ratelimit.forget_all()


@pytest.fixture(autouse=True)
def _sms_to_locmem(settings) -> None:
    # As Django does for mail: no test reaches a real SMS provider, and each starts empty.
    settings.SMS_BACKEND = "apps.messaging.sms.LocmemSmsBackend"
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _back_to_public(db: None) -> Iterator[None]:
    # A request leaves the connection in its tenant's schema; every test starts in public.
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


@pytest.fixture
def nyborg() -> Tenant:
    return Tenant.objects.get(schema_name="nyborg")


@pytest.fixture
def aarhus() -> Tenant:
    return Tenant.objects.get(schema_name="visitaarhus")


@pytest.fixture
def nanna(nyborg: Tenant) -> User:
    with tenant_context(nyborg):
        return User.objects.get(email="nanna@nyborg.dk")


@pytest.fixture
def anders(aarhus: Tenant) -> User:
    with tenant_context(aarhus):
        return User.objects.get(email="anders@visitaarhus.dk")


@pytest.fixture
def vera() -> User:
    with schema_context("public"):
        return User.objects.get(email="vera@tovholder.dk")


def host_client(host: str) -> Client:
    return Client(HTTP_HOST=host)


def signed_in(
    client: Client, user: User, tenant: Tenant | None, *, verified: bool = True
) -> Client:
    """Sign in on `tenant`'s site (None: the console); the session lives in that schema.

    On a tenant's site the session is verified by a second factor (apps.twofactor), as
    after a real sign-in with a code: the person gets an authenticator app if they have
    none. `verified=False`: signed in with the password only."""
    with schema_context(tenant.schema_name if tenant else "public"):
        client.force_login(user)
        if tenant is not None and verified:
            # What django_otp.login stores after a code was accepted (force_login's request
            # has no user, so django-otp's own user_logged_in receiver cannot do it).
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = app_device(user).persistent_id
            session.save()
    return client


@pytest.fixture
def nyborg_client() -> Client:
    return host_client("nyborg.localhost")


@pytest.fixture
def aarhus_client() -> Client:
    return host_client("visitaarhus.localhost")


@pytest.fixture
def console_client() -> Client:
    return host_client("console.localhost")


@pytest.fixture
def media(settings, tmp_path):
    """Uploads and generated files go to a fresh folder. django-tenants' storage keeps the
    first MEDIA_ROOT it saw (its setting_changed handler passes `settings` for `setting`),
    so the cached path is dropped by hand."""
    from django.core.files.storage import storages

    settings.MEDIA_ROOT = str(tmp_path)
    storages["default"].__dict__.pop("relative_media_root", None)
    yield tmp_path
    storages["default"].__dict__.pop("relative_media_root", None)

"""API personas: Nyborg Roklub's keys (read and write), a site-wide key made by Nanna, and
a key of VisitAarhus made by Anders, who must never see anything of Nyborg's."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.api.models import ApiKey
from apps.api.services import api_key_create
from apps.organisations.models import OrganisationRole
from tests.personas import person


def api_client(host: str = "nyborg.localhost", token: str = "") -> Client:
    if token:
        return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}")
    return Client(HTTP_HOST=host)


@pytest.fixture
def rikke(roklub):
    """Rikke, the rowing club's own admin: she makes its keys."""
    rikke = person("Rikke")
    OrganisationRole.objects.create(
        organisation=roklub, user=rikke, role=OrganisationRole.Role.ADMIN
    )
    return rikke


def make_key(actor, *, scope=ApiKey.Scope.READ, organisation=None, **extra) -> tuple[ApiKey, str]:
    return api_key_create(
        actor=actor,
        name=extra.pop("name", "Hjemmesiden"),
        scope=scope,
        organisation=organisation,
        **extra,
    )


@pytest.fixture
def club_reader(rikke, roklub) -> Client:
    return api_client(token=make_key(rikke, organisation=roklub)[1])


@pytest.fixture
def club_writer(rikke, roklub) -> Client:
    _key, token = make_key(rikke, organisation=roklub, scope=ApiKey.Scope.WRITE, name="Tilmelding")
    return api_client(token=token)


@pytest.fixture
def site_reader(nanna, in_nyborg) -> Client:
    return api_client(token=make_key(nanna)[1])


@pytest.fixture
def aarhus_token(aarhus, anders) -> str:
    with tenant_context(aarhus):
        return make_key(anders, scope=ApiKey.Scope.WRITE)[1]


def tomorrow():
    return timezone.now() + timedelta(days=1)

"""A provider grants at most the one role its configuration names, and only to people whose
token carries the configured value; whatever else a token claims is ignored."""

import pytest
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation, OrganisationRole
from apps.sso.models import Provider
from tests.apps.sso.conftest import sso_sign_in

pytestmark = pytest.mark.django_db


def _person(nyborg, email: str) -> User:
    with tenant_context(nyborg):
        return User.objects.get(email=email)


def test_it_grants_nothing_from_a_volunteer_only_provider(nyborg, nyborg_client, make_provider):
    make_provider()
    sso_sign_in(nyborg_client, "mitid", "greedy")  # claims admin, owner_admin, coordinator
    with tenant_context(nyborg):
        greedy = User.objects.get(email="greedy@example.dk")
        assert not greedy.is_owner_admin and not greedy.roles.exists()


def test_it_grants_owner_admin_only_with_the_configured_claim_value(
    nyborg, nyborg_client, make_provider
):
    make_provider(
        slug="entra", grant=Provider.Grant.OWNER_ADMIN, role_claim_value="Tovholder.Admin"
    )
    sso_sign_in(nyborg_client, "entra", "staff-admin")
    nyborg_client.logout()
    sso_sign_in(nyborg_client, "entra", "staff-plain")
    assert _person(nyborg, "staff.admin@example.dk").is_owner_admin
    assert not _person(nyborg, "staff.plain@example.dk").is_owner_admin
    with tenant_context(nyborg):
        granted = AuditEvent.objects.get(action="role.granted")
        assert granted.data == {"role": "owner_admin", "via": "entra"}


def test_it_makes_a_coordinator_of_the_named_organisation_and_nothing_more(
    nyborg, roklub, nyborg_client, make_provider
):
    with tenant_context(nyborg):
        other = Organisation.objects.create(name="Nyborg Spejderne", is_approved=True)
    make_provider(
        grant=Provider.Grant.COORDINATOR,
        grant_organisation=roklub,
        role_claim_value="Tovholder.Koordinator",
    )
    sso_sign_in(nyborg_client, "mitid", "greedy")
    with tenant_context(nyborg):
        greedy = User.objects.get(email="greedy@example.dk")
        roles = list(
            OrganisationRole.objects.filter(user=greedy).values_list("organisation", "role")
        )
        assert roles == [(roklub.pk, "coordinator")]
        assert (
            not greedy.is_owner_admin
            and not OrganisationRole.objects.filter(organisation=other).exists()
        )


@pytest.mark.parametrize(
    ("required", "claims", "counts"),
    [
        ("", {}, True),  # the provider's own MFA policy is trusted
        ("amr=mfa", {"amr": ["pwd", "mfa"]}, True),
        ("amr=mfa", {"amr": ["pwd"]}, False),
        ("amr=mfa", {}, False),
        (
            "acr=https://data.gov.dk/concept/core/nsis/loa/Substantial",
            {"acr": "https://data.gov.dk/concept/core/nsis/loa/Substantial"},
            True,
        ),
        (
            "acr=https://data.gov.dk/concept/core/nsis/loa/Substantial",
            {"acr": "https://data.gov.dk/concept/core/nsis/loa/Low"},
            False,
        ),
    ],
)
def test_it_reads_the_second_factor_from_the_claim_asked_for(required, claims, counts):
    from apps.sso.models import Provider

    provider = Provider(counts_as_second_factor=True, second_factor_claim=required)
    assert provider.proves_second_factor(claims) is counts
    assert Provider(second_factor_claim=required).proves_second_factor(claims) is False


def test_it_takes_back_the_role_when_the_directory_no_longer_gives_it(
    nyborg, nyborg_client, make_provider
):
    provider = make_provider(
        slug="entra", grant=Provider.Grant.OWNER_ADMIN, role_claim_value="Tovholder.Admin"
    )
    sso_sign_in(nyborg_client, "entra", "staff-admin")
    assert _person(nyborg, "staff.admin@example.dk").is_owner_admin
    nyborg_client.logout()
    # Sanne's app role is removed in Entra: her next token no longer carries the value.
    with tenant_context(nyborg):
        Provider.objects.filter(pk=provider.pk).update(role_claim_value="Tovholder.Other")
    sso_sign_in(nyborg_client, "entra", "staff-admin")
    assert not _person(nyborg, "staff.admin@example.dk").is_owner_admin
    with tenant_context(nyborg):
        removed = AuditEvent.objects.get(action="role.removed")
        assert removed.data == {"role": "owner_admin", "via": "entra"}


def test_it_never_takes_a_role_given_by_hand(nyborg, nyborg_client, make_provider, nanna):
    make_provider(
        slug="entra", grant=Provider.Grant.OWNER_ADMIN, role_claim_value="Tovholder.Admin"
    )
    sso_sign_in(nyborg_client, "entra", "nanna-verified")  # no roles claim at all
    assert _person(nyborg, "nanna@nyborg.dk").is_owner_admin
    with tenant_context(nyborg):
        assert not AuditEvent.objects.filter(action="role.removed").exists()


def test_it_takes_back_a_coordinator_role_it_gave(nyborg, roklub, nyborg_client, make_provider):
    provider = make_provider(
        grant=Provider.Grant.COORDINATOR,
        grant_organisation=roklub,
        role_claim_value="Tovholder.Koordinator",
    )
    sso_sign_in(nyborg_client, "mitid", "greedy")
    nyborg_client.logout()
    with tenant_context(nyborg):
        assert OrganisationRole.objects.filter(user__email="greedy@example.dk").count() == 1
        Provider.objects.filter(pk=provider.pk).update(role_claim_value="Tovholder.Ingen")
    sso_sign_in(nyborg_client, "mitid", "greedy")
    with tenant_context(nyborg):
        assert not OrganisationRole.objects.filter(user__email="greedy@example.dk").exists()

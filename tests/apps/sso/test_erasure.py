"""Erasing a person (apps.privacy) removes their link to the provider's subject: it would
identify them; and the erased row cannot be signed in to through the provider again."""

import pytest

from apps.privacy.services.erasure import person_erase
from apps.sso.models import Link
from tests.apps.sso.conftest import sso_sign_in
from tests.personas import person

pytestmark = pytest.mark.django_db


def test_it_forgets_the_link_of_an_erased_person(make_provider, in_nyborg, nanna):
    provider = make_provider()
    frida = person("Frida")
    Link.objects.create(
        provider=provider, user=frida, issuer=provider.issuer, subject="frida-mitid"
    )
    person_erase(actor=nanna, user=frida, reason="Anmodning")
    assert not Link.objects.filter(user=frida).exists()


def test_it_keeps_the_links_of_everyone_else(make_provider, in_nyborg, nyborg_client, nanna):
    provider = make_provider()
    Link.objects.create(provider=provider, user=nanna, issuer=provider.issuer, subject="x")
    nanna.full_name = "Nanna N."
    nanna.save()
    assert Link.objects.filter(user=nanna).exists()


def test_it_refuses_a_linked_person_whose_account_is_closed(
    make_provider, in_nyborg, nyborg_client
):
    provider = make_provider()
    frida = person("Frida", is_active=False)
    Link.objects.create(
        provider=provider, user=frida, issuer=provider.issuer, subject="frida-mitid"
    )
    response = sso_sign_in(nyborg_client, "mitid", "frida-mitid")
    assert response.status_code == 400 and "Din konto her er lukket" in response.content.decode()


def test_it_puts_the_link_in_the_persons_data_export(make_provider, in_nyborg):
    from apps.privacy.services.export import collect

    provider = make_provider()
    frida = person("Frida")
    Link.objects.create(provider=provider, user=frida, issuer=provider.issuer, subject="f-1")
    Link.objects.create(provider=provider, user=person("Else"), issuer=provider.issuer, subject="e")
    rows = collect(user=frida)["sign_in_providers"]
    assert [(row["provider__name"], row["subject"]) for row in rows] == [(provider.name, "f-1")]

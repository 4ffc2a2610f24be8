"""Signing in with the tenant's OpenID Connect provider, against a real provider
(oidc-provider, tests/oidc.py): the code flow with PKCE, who the person turns out to be,
and every refusal as a Danish page."""

from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.sso.models import Link
from tests.apps.sso.conftest import provider_redirect, sso_sign_in
from tests.conftest import host_client, signed_in
from tests.oidc import CPR

pytestmark = pytest.mark.django_db


def _signed_in_as(client, nyborg) -> User | None:
    with tenant_context(nyborg):
        user_id = client.session.get("_auth_user_id")
        return User.objects.filter(pk=user_id).first() if user_id else None


def test_it_sends_the_person_to_the_provider_with_pkce_state_and_nonce(
    nyborg_client, make_provider
):
    make_provider()
    start = nyborg_client.get("/sso/mitid/log-ind/")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    pending = nyborg_client.session["sso_pending"][query["state"][0]]
    assert pending["nonce"] == query["nonce"][0]
    assert "code_verifier" not in query  # the verifier stays in the session


def test_it_signs_in_a_new_person_with_a_verified_email(nyborg, nyborg_client, make_provider):
    provider = make_provider()
    response = sso_sign_in(nyborg_client, "mitid", "frida-mitid")
    assert response.status_code == 302 and response["Location"] == "/oversigt/"
    user = _signed_in_as(nyborg_client, nyborg)
    assert user is not None and user.email == "frida.sso@example.dk"
    with tenant_context(nyborg):
        assert user.full_name == "Frida Fra MitID" and user.email_verified_at is not None
        assert not user.is_owner_admin and not user.roles.exists()
        link = Link.objects.get(user=user)
        assert (link.issuer, link.subject, link.provider_id) == (
            provider.issuer,
            "frida-mitid",
            provider.pk,
        )
        actions = set(AuditEvent.objects.filter(actor_id=user.pk).values_list("action", flat=True))
        assert {"sso.account_created", "sso.account_linked", "sso.signed_in"} <= actions
    assert "second_factor_sso" not in nyborg_client.session


def test_it_follows_next_back_to_the_page_the_person_came_from(nyborg_client, make_provider):
    make_provider()
    start = nyborg_client.get("/sso/mitid/log-ind/?next=/konto/")
    from tests.oidc import sign_in_at_provider

    back = urlsplit(
        sign_in_at_provider(start["Location"], "frida-mitid", "http://nyborg.localhost/")
    )
    assert nyborg_client.get(f"{back.path}?{back.query}")["Location"] == "/konto/"


def test_it_never_stores_a_cpr_number(nyborg, nyborg_client, make_provider):
    make_provider()
    sso_sign_in(nyborg_client, "mitid", "frida-mitid")
    with tenant_context(nyborg):
        user = User.objects.get(email="frida.sso@example.dk")
        stored = [
            *(str(value) for value in User.objects.filter(pk=user.pk).values().get().values()),
            *(str(row) for row in Link.objects.values()),
            *(str(row) for row in AuditEvent.objects.values()),
            *(str(session.get_decoded()) for session in Session.objects.all()),
        ]
    assert not [text for text in stored if CPR in text or "cpr" in text.lower()]


def test_it_matches_an_existing_account_by_verified_email_and_links_it(
    nyborg, nanna, nyborg_client, make_provider
):
    make_provider()
    sso_sign_in(nyborg_client, "mitid", "nanna-verified")
    assert _signed_in_as(nyborg_client, nyborg) == nanna
    with tenant_context(nyborg):
        assert Link.objects.get(user=nanna).subject == "nanna-verified"
        assert User.objects.get(pk=nanna.pk).full_name == "Nanna Nyborg"  # never from the name
        assert AuditEvent.objects.filter(
            action="sso.account_linked", target_id=str(nanna.pk)
        ).exists()


def test_it_matches_a_linked_person_by_subject_whatever_email_the_provider_now_says(
    nyborg, nanna, nyborg_client, make_provider
):
    provider = make_provider()
    with tenant_context(nyborg):
        Link.objects.create(
            provider=provider, user=nanna, issuer=provider.issuer, subject="moved-email"
        )
    sso_sign_in(nyborg_client, "mitid", "moved-email")
    assert _signed_in_as(nyborg_client, nyborg) == nanna
    with tenant_context(nyborg):
        assert not User.objects.filter(email="somebody.else@example.dk").exists()


def test_it_does_not_give_an_unverified_email_the_account_that_has_it(
    nyborg, nanna, nyborg_client, make_provider
):
    make_provider()
    response = sso_sign_in(nyborg_client, "mitid", "nanna-unverified")
    assert response.status_code == 400
    assert "har ikke bekræftet din e-mailadresse" in response.content.decode()
    assert _signed_in_as(nyborg_client, nyborg) is None
    with tenant_context(nyborg):
        assert not Link.objects.exists()
        refusal = AuditEvent.objects.get(action="sso.refused")
        assert refusal.data["reason"] == "email_unverified"


def test_it_trusts_every_email_of_a_provider_configured_to(
    nyborg, nanna, nyborg_client, make_provider
):
    make_provider(trust_email=True)
    sso_sign_in(nyborg_client, "mitid", "nanna-unverified")
    assert _signed_in_as(nyborg_client, nyborg) == nanna


def test_it_refuses_a_person_without_an_email(nyborg, nyborg_client, make_provider):
    make_provider()
    response = sso_sign_in(nyborg_client, "mitid", "no-email")
    assert (
        response.status_code == 400
        and "fortalte os ikke din e-mailadresse" in response.content.decode()
    )


def test_it_creates_no_account_when_the_provider_may_not(nyborg, nyborg_client, make_provider):
    make_provider(create_accounts=False)
    response = sso_sign_in(nyborg_client, "mitid", "frida-mitid")
    assert (
        response.status_code == 400
        and "Der er ingen konto til dig her" in response.content.decode()
    )
    with tenant_context(nyborg):
        assert not User.objects.filter(email="frida.sso@example.dk").exists()


def test_it_refuses_a_wrong_state(nyborg, nyborg_client, make_provider):
    make_provider()
    back = provider_redirect(nyborg_client, "mitid", "frida-mitid")
    state = parse_qs(urlsplit(back).query)["state"][0]
    response = nyborg_client.get(back.replace(state, "x" + state[1:]))
    assert response.status_code == 400
    assert "Start forfra fra log ind-siden" in response.content.decode()
    assert _signed_in_as(nyborg_client, nyborg) is None
    with tenant_context(nyborg):
        assert AuditEvent.objects.get(action="sso.refused").data["reason"] == "bad_state"


def test_it_refuses_the_same_answer_twice(nyborg, nyborg_client, make_provider):
    make_provider()
    back = provider_redirect(nyborg_client, "mitid", "frida-mitid")
    assert nyborg_client.get(back).status_code == 302
    nyborg_client.logout()
    replayed = nyborg_client.get(back)
    assert replayed.status_code == 400
    assert _signed_in_as(nyborg_client, nyborg) is None


def test_it_refuses_an_expired_id_token(nyborg, nyborg_client, make_provider, settings):
    make_provider()
    settings.SSO_PENDING_SECONDS = 3 * 3600  # so that the token's own expiry is what refuses
    back = provider_redirect(nyborg_client, "mitid", "frida-mitid")
    # Only this process travels: the provider issued the token with an hour to live.
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=2), tick=False):
        response = nyborg_client.get(back)
    assert response.status_code == 400 and "udløbet" in response.content.decode()
    assert _signed_in_as(nyborg_client, nyborg) is None
    with tenant_context(nyborg):
        assert AuditEvent.objects.get(action="sso.refused").data["reason"] == "expired"


def test_it_refuses_a_sign_in_started_too_long_ago(nyborg, nyborg_client, make_provider):
    make_provider()
    back = provider_redirect(nyborg_client, "mitid", "frida-mitid")
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16), tick=False):
        response = nyborg_client.get(back)
    assert response.status_code == 400 and "udløbet" in response.content.decode()
    with tenant_context(nyborg):
        refusal = AuditEvent.objects.get(action="sso.refused")
        assert refusal.data["detail"] == "expired: the sign-in was started too long ago"


def test_it_shows_the_providers_refusal_as_a_danish_page(nyborg, nyborg_client, make_provider):
    make_provider()
    start = nyborg_client.get("/sso/mitid/log-ind/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = nyborg_client.get(f"/sso/mitid/retur/?state={state}&error=access_denied")
    assert response.status_code == 400 and "Log ind mislykkedes" in response.content.decode()


def test_it_says_so_when_the_provider_cannot_be_reached(nyborg_client, make_provider):
    make_provider(issuer="http://127.0.0.1:9")  # the discard port: nobody answers
    response = nyborg_client.get("/sso/mitid/log-ind/")
    assert response.status_code == 502
    assert "Vi kunne ikke få forbindelse" in response.content.decode()


def test_it_says_so_when_the_secret_file_is_missing(
    nyborg, nyborg_client, make_provider, secrets_dir
):
    make_provider(client_secret_file="not-mounted")
    response = nyborg_client.get("/sso/mitid/log-ind/")
    assert response.status_code == 400 and "ikke sat rigtigt op" in response.content.decode()
    with tenant_context(nyborg):
        refusal = AuditEvent.objects.get(action="sso.refused")
        assert (refusal.data["reason"], refusal.data["stage"]) == ("misconfigured", "start")


def test_it_marks_the_second_factor_only_for_a_provider_that_counts_as_one(
    nyborg, nyborg_client, make_provider
):
    make_provider(slug="entra", counts_as_second_factor=True)
    sso_sign_in(nyborg_client, "entra", "staff-plain")
    assert nyborg_client.session["second_factor_sso"] is True


def test_it_counts_the_second_factor_only_when_the_token_carries_the_claim_asked_for(
    nyborg, nyborg_client, make_provider
):
    # Here the app role stands in for amr=mfa: the check is the same for any claim.
    make_provider(
        slug="entra", counts_as_second_factor=True, second_factor_claim="roles=Tovholder.Admin"
    )
    sso_sign_in(nyborg_client, "entra", "staff-admin")  # roles: ["Tovholder.Admin"]
    assert nyborg_client.session["second_factor_sso"] is True
    other = host_client("nyborg.localhost")
    sso_sign_in(other, "entra", "staff-plain")  # no such claim: the code is still asked
    assert "second_factor_sso" not in other.session


def test_it_shows_a_button_per_enabled_provider(nyborg_client, make_provider):
    make_provider()
    make_provider(slug="entra", is_enabled=False)
    page = nyborg_client.get("/konto/log-ind/?next=/konto/").content.decode()
    assert 'href="/sso/mitid/log-ind/?next=/konto/"' in page and "Log ind med MitID" in page
    assert "/sso/entra/" not in page


def test_it_keeps_nyborgs_provider_away_from_the_other_tenant(
    aarhus_client, anders, aarhus, make_provider
):
    make_provider()
    signed_in(aarhus_client, anders, aarhus)
    assert "Log ind med MitID" not in aarhus_client.get("/konto/log-ind/").content.decode()
    refused = aarhus_client.get("/sso/mitid/log-ind/")
    assert refused.status_code == 404
    assert "Denne måde at logge ind på findes ikke" in refused.content.decode()


def test_it_refuses_nyborgs_answer_on_the_other_tenants_site(
    nyborg_client, aarhus_client, make_provider, aarhus
):
    make_provider()
    back = provider_redirect(nyborg_client, "mitid", "frida-mitid")
    assert aarhus_client.get(back).status_code == 404
    with tenant_context(aarhus):
        assert not User.objects.filter(email="frida.sso@example.dk").exists()

"""Two-factor sign-in on a tenant's site: set-up, verification, enforcement, reset."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.organisations.models import OrganisationRole
from apps.twofactor.services import recovery_codes_new
from tenants.models import Tenant
from tests.apps.sso.conftest import sso_sign_in
from tests.conftest import PASSWORD, signed_in
from tests.twofactor import TEST_KEY, app_device, code_now

pytestmark = pytest.mark.django_db

SETUP = "/tofaktor/opsaet/"
VERIFY = "/tofaktor/bekraeft/"


def password_only(client: Client, user: User, tenant: Tenant) -> Client:
    return signed_in(client, user, tenant, verified=False)


def setup_secret(page: str) -> str:
    """The key the set-up page shows for typing in by hand, as hex for code_now."""
    from base64 import b32decode

    grouped = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page)
    assert grouped, "no key on the set-up page"
    return b32decode(grouped.group(1).replace(" ", "")).hex()


def with_role(user: User, roklub, role: str) -> User:
    OrganisationRole.objects.create(organisation=roklub, user=user, role=role)
    return user


# --- set-up -----------------------------------------------------------------------------


def test_it_sends_a_system_owners_admin_without_a_device_to_set_up_first(
    nyborg, nanna, nyborg_client
):
    browser = password_only(nyborg_client, nanna, nyborg)
    response = browser.get("/oversigt/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Foversigt%2F"
    # The set-up itself, its stylesheets and signing out stay open.
    assert browser.get(SETUP).status_code == 200
    assert browser.get("/brand.css").status_code == 200
    assert browser.post("/konto/log-ud/")["Location"] == "/"


def test_it_sets_up_an_app_with_a_qr_code_and_shows_ten_recovery_codes_once(
    nyborg, nanna, nyborg_client
):
    browser = password_only(nyborg_client, nanna, nyborg)
    page = browser.get(f"{SETUP}?next=/oversigt/").content.decode()
    assert '<svg width="' in page and 'class="qr-code"' in page and "<title>" in page
    assert "<script" not in page.split("<main", 1)[1]  # no inline script for the CSP
    key = setup_secret(page)
    done = browser.post(SETUP, {"token": code_now(key), "next": "/oversigt/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert done["Cache-Control"] == "no-store"
    assert browser.get("/oversigt/").status_code == 200  # verified by the app just confirmed
    with tenant_context(nyborg):
        assert TOTPDevice.objects.get(user=nanna, confirmed=True).key == key
        assert StaticToken.objects.filter(device__user=nanna).count() == 10
        assert AuditEvent.objects.filter(action="twofactor.device_added").count() == 1
    # Shown once: the overview tells how many are left, never the codes.
    overview = browser.get("/tofaktor/").content.decode()
    assert "10 gendannelseskoder tilbage" in overview or "10 recovery codes left" in overview
    assert not any(code in overview for code in codes)


def test_it_keeps_the_same_key_on_a_reload_of_the_set_up_page(nyborg, nanna, nyborg_client):
    browser = password_only(nyborg_client, nanna, nyborg)
    first = setup_secret(browser.get(SETUP).content.decode())
    assert setup_secret(browser.get(SETUP).content.decode()) == first


def test_it_refuses_a_wrong_first_code(nyborg, nanna, nyborg_client):
    browser = password_only(nyborg_client, nanna, nyborg)
    key = setup_secret(browser.get(SETUP).content.decode())
    wrong = f"{(int(code_now(key)) + 1) % 1_000_000:06d}"
    assert browser.post(SETUP, {"token": wrong}).status_code == 400
    with tenant_context(nyborg):
        assert not TOTPDevice.objects.filter(user=nanna, confirmed=True).exists()
    assert browser.get("/oversigt/")["Location"].startswith(SETUP)


def test_it_does_not_let_a_password_only_session_add_an_app_to_an_account_that_has_one(
    nyborg, nanna, nyborg_client
):
    with tenant_context(nyborg):
        app_device(nanna)
    browser = password_only(nyborg_client, nanna, nyborg)
    assert browser.get(SETUP)["Location"].startswith(VERIFY)
    assert browser.get("/tofaktor/")["Location"].startswith(VERIFY)


# --- verification -----------------------------------------------------------------------


def test_it_asks_for_the_code_after_the_password_and_then_lets_the_person_in(
    nyborg, nanna, nyborg_client
):
    with tenant_context(nyborg):
        app_device(nanna)
    signed = nyborg_client.post(
        "/konto/log-ind/", {"username": "nanna@nyborg.dk", "password": PASSWORD}
    )
    assert signed.status_code == 302
    detour = nyborg_client.get(signed["Location"])
    assert detour["Location"].startswith(VERIFY)
    in_ = nyborg_client.post(VERIFY, {"token": code_now(), "next": "/oversigt/"})
    assert in_["Location"] == "/oversigt/"
    assert nyborg_client.get("/oversigt/").status_code == 200


def test_it_throttles_wrong_codes(nyborg, nanna, nyborg_client):
    with tenant_context(nyborg):
        app_device(nanna)
    browser = password_only(nyborg_client, nanna, nyborg)
    wrong = f"{(int(code_now()) + 500_000) % 1_000_000:06d}"
    start = timezone.now()
    # django-otp's throttle: after n wrong codes in a row the next waits 2^(n-1) seconds.
    for moment in (0, 1, 3, 7, 15):
        with time_machine.travel(start + timedelta(seconds=moment), tick=False):
            assert browser.post(VERIFY, {"token": wrong}).status_code == 400
    # Five wrong: the next 16 seconds refuse even the right code, without trying it.
    with time_machine.travel(start + timedelta(seconds=25), tick=False):
        assert browser.post(VERIFY, {"token": code_now()}).status_code == 400
        with tenant_context(nyborg):
            assert TOTPDevice.objects.get(user=nanna).throttling_failure_count == 5
    with time_machine.travel(start + timedelta(seconds=32), tick=False):
        assert browser.post(VERIFY, {"token": code_now(), "next": "/oversigt/"}).status_code == 302
    with tenant_context(nyborg):
        failures = AuditEvent.objects.filter(action="twofactor.verification_failed")
        assert failures.count() == 5
        assert TOTPDevice.objects.get(user=nanna).throttling_failure_count == 0


def test_it_accepts_a_recovery_code_once(nyborg, nanna, nyborg_client):
    with tenant_context(nyborg):
        app_device(nanna)
        codes = recovery_codes_new(user=nanna)
    browser = password_only(nyborg_client, nanna, nyborg)
    assert browser.post(VERIFY, {"token": codes[0].upper(), "next": "/oversigt/"})["Location"] == (
        "/oversigt/"
    )
    again = password_only(Client(HTTP_HOST="nyborg.localhost"), nanna, nyborg)
    assert again.post(VERIFY, {"token": codes[0]}).status_code == 400
    with tenant_context(nyborg):
        used = AuditEvent.objects.get(action="twofactor.recovery_code_used")
        assert used.data == {"left": 9}
        assert StaticToken.objects.filter(device__user=nanna).count() == 9


def test_it_lets_a_provider_that_did_mfa_count_as_the_second_factor(
    nyborg, nyborg_client, make_provider
):
    make_provider(slug="entra", counts_as_second_factor=True)
    with tenant_context(nyborg):
        User.objects.create_user(
            "staff.plain@example.dk", full_name="Per Stab", is_owner_admin=True
        )
    sso_sign_in(nyborg_client, "entra", "staff-plain")
    assert nyborg_client.get("/oversigt/").status_code == 200


def test_it_does_not_let_a_provider_without_mfa_skip_the_second_factor(
    nyborg, nyborg_client, make_provider
):
    make_provider(slug="entra", counts_as_second_factor=False)
    with tenant_context(nyborg):
        User.objects.create_user(
            "staff.plain@example.dk", full_name="Per Stab", is_owner_admin=True
        )
    sso_sign_in(nyborg_client, "entra", "staff-plain")
    assert nyborg_client.get("/oversigt/")["Location"].startswith(SETUP)


# --- who must -----------------------------------------------------------------------------


def test_it_sends_an_organisation_admin_to_set_up(nyborg, roklub, frida, nyborg_client):
    with tenant_context(nyborg):
        with_role(frida, roklub, OrganisationRole.Role.ADMIN)
    browser = password_only(nyborg_client, frida, nyborg)
    assert browser.get("/oversigt/")["Location"].startswith(SETUP)


def test_it_asks_coordinators_only_when_the_tenant_says_so(nyborg, roklub, frida, nyborg_client):
    with tenant_context(nyborg):
        with_role(frida, roklub, OrganisationRole.Role.COORDINATOR)
    browser = password_only(nyborg_client, frida, nyborg)
    assert browser.get("/oversigt/").status_code == 200
    Tenant.objects.filter(pk=nyborg.pk).update(coordinators_need_second_factor=True)
    assert browser.get("/oversigt/")["Location"].startswith(SETUP)


def test_it_leaves_it_to_a_volunteer_until_they_turn_it_on(nyborg, frida, nyborg_client):
    browser = password_only(nyborg_client, frida, nyborg)
    assert browser.get("/oversigt/").status_code == 200
    account = browser.get("/konto/").content.decode()
    assert 'href="/tofaktor/"' in account
    key = setup_secret(browser.get(SETUP).content.decode())
    assert browser.post(SETUP, {"token": code_now(key)}).status_code == 200
    # From now on a sign-in without the code does not get in.
    later = password_only(Client(HTTP_HOST="nyborg.localhost"), frida, nyborg)
    assert later.get("/oversigt/")["Location"].startswith(VERIFY)
    # ... and she may turn it off again (with a verified session).
    with tenant_context(nyborg):
        device = TOTPDevice.objects.get(user=frida)
    assert browser.post(f"/tofaktor/app/{device.pk}/fjern/").status_code == 302
    with tenant_context(nyborg):
        assert not TOTPDevice.objects.filter(user=frida).exists()
        assert not StaticToken.objects.filter(device__user=frida).exists()
        assert AuditEvent.objects.filter(action="twofactor.device_removed").count() == 1
    assert later.get("/oversigt/").status_code == 200


def test_it_keeps_an_admins_last_app(nyborg, nanna, nyborg_client):
    browser = signed_in(nyborg_client, nanna, nyborg)
    with tenant_context(nyborg):
        device = TOTPDevice.objects.get(user=nanna)
    browser.post(f"/tofaktor/app/{device.pk}/fjern/")
    with tenant_context(nyborg):
        assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_it_makes_new_recovery_codes_and_the_old_ones_stop_working(nyborg, frida, nyborg_client):
    with tenant_context(nyborg):
        old = recovery_codes_new(user=frida)
    browser = signed_in(nyborg_client, frida, nyborg)
    page = browser.post("/tofaktor/gendannelseskoder/").content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    with tenant_context(nyborg):
        assert set(
            StaticToken.objects.filter(device__user=frida).values_list("token", flat=True)
        ) == set(new)


# --- reset ----------------------------------------------------------------------------------


def test_it_lets_an_admin_reset_a_coordinators_lost_phone(
    nyborg, nanna, roklub, frida, nyborg_client
):
    with tenant_context(nyborg):
        with_role(frida, roklub, OrganisationRole.Role.COORDINATOR)
        app_device(frida)
        recovery_codes_new(user=frida)
    frida_browser = signed_in(Client(HTTP_HOST="nyborg.localhost"), frida, nyborg)
    admin = signed_in(nyborg_client, nanna, nyborg)
    listing = admin.get("/tofaktor/personale/").content.decode()
    assert "Frida" in listing
    assert admin.post(f"/tofaktor/personale/{frida.pk}/nulstil/").status_code == 302
    with tenant_context(nyborg):
        assert not TOTPDevice.objects.filter(user=frida).exists()
        assert not StaticToken.objects.filter(device__user=frida).exists()
        reset = AuditEvent.objects.get(action="twofactor.reset")
        assert (reset.actor, reset.target_id) == ("nanna@nyborg.dk", str(frida.pk))
    # Her open session lost its verification with the device; as a coordinator (tenant
    # setting off) she is not sent anywhere, and may set up a new app.
    assert frida_browser.get("/oversigt/").status_code == 200


def test_it_does_not_let_a_coordinator_reset_anybody(
    nyborg, nanna, roklub, frida, bo, nyborg_client
):
    with tenant_context(nyborg):
        with_role(frida, roklub, OrganisationRole.Role.COORDINATOR)
        with_role(bo, roklub, OrganisationRole.Role.COORDINATOR)
        app_device(bo)
    browser = signed_in(nyborg_client, frida, nyborg)
    assert browser.get("/tofaktor/personale/").status_code == 404
    assert browser.post(f"/tofaktor/personale/{bo.pk}/nulstil/").status_code == 404
    with tenant_context(nyborg):
        assert TOTPDevice.objects.filter(user=bo).exists()


def test_it_lets_an_organisation_admin_reset_only_their_own_organisations_people(
    nyborg, nanna, roklub, kim, frida, bo, nyborg_client
):
    with tenant_context(nyborg):
        with_role(frida, roklub, OrganisationRole.Role.ADMIN)
        with_role(bo, roklub, OrganisationRole.Role.COORDINATOR)
        app_device(kim)
        app_device(nanna)
    browser = signed_in(nyborg_client, frida, nyborg)
    listing = browser.get("/tofaktor/personale/").content.decode()
    assert "Bo" in listing and "Kim" not in listing and "Nanna" not in listing
    assert browser.post(f"/tofaktor/personale/{kim.pk}/nulstil/").status_code == 404
    assert browser.post(f"/tofaktor/personale/{nanna.pk}/nulstil/").status_code == 404
    with tenant_context(nyborg):
        assert TOTPDevice.objects.filter(user__in=[kim, nanna]).count() == 2


def test_it_lists_staff_in_three_queries(
    nyborg, nanna, roklub, frida, bo, django_assert_num_queries
):
    from apps.twofactor.selectors import staff_for

    with tenant_context(nyborg):
        with_role(frida, roklub, OrganisationRole.Role.ADMIN)
        with_role(bo, roklub, OrganisationRole.Role.COORDINATOR)
        app_device(bo)
        with django_assert_num_queries(3):  # people, their apps, their passkeys
            people = staff_for(actor=nanna)
        assert [(p.full_name, p.has_device) for p in people] == [
            (bo.full_name, True),
            (frida.full_name, False),
        ]


# --- the other tenant ----------------------------------------------------------------------


def test_it_never_lets_a_device_or_session_of_nyborg_count_on_aarhus(
    nyborg, aarhus, nanna, anders, nyborg_client, aarhus_client
):
    with tenant_context(nyborg):
        app_device(nanna)  # Nanna's app: the suite's key
    with tenant_context(aarhus):
        app_device(anders, key="00" * 20)  # Anders's own app
    # Nyborg's verified session cookie on Aarhus's host: nobody is signed in there.
    nyborg_browser = signed_in(nyborg_client, nanna, nyborg)
    cookie = nyborg_browser.cookies["sessionid"].value
    aarhus_client.cookies["sessionid"] = cookie
    assert aarhus_client.get("/tofaktor/").status_code == 302
    assert aarhus_client.get("/tofaktor/")["Location"].startswith("/konto/log-ind/")
    # Anders, signed in on Aarhus with his password: a code from Nanna's app does not count.
    anders_browser = password_only(Client(HTTP_HOST="visitaarhus.localhost"), anders, aarhus)
    assert anders_browser.post(VERIFY, {"token": code_now(TEST_KEY)}).status_code == 400
    assert anders_browser.get("/oversigt/")["Location"].startswith(VERIFY)
    with tenant_context(nyborg):
        assert not AuditEvent.objects.filter(action__startswith="twofactor.").exists()


# --- passkeys (the ceremony itself: tests/browser/test_passkeys.py) -------------------------


def test_it_makes_each_tenants_host_its_own_relying_party(
    nyborg, aarhus, frida, anders, nyborg_client, aarhus_client
):
    begin = "/tofaktor/webauthn/registration/begin/"
    nyborg_options = signed_in(nyborg_client, frida, nyborg).post(begin).json()
    aarhus_options = signed_in(aarhus_client, anders, aarhus).post(begin).json()
    assert nyborg_options["rp"] == {"name": "Nyborg Kommune", "id": "nyborg.localhost"}
    assert aarhus_options["rp"] == {"name": "VisitAarhus", "id": "visitaarhus.localhost"}


def test_it_does_not_let_a_password_only_session_add_a_passkey_to_an_account_with_an_app(
    nyborg, nanna, nyborg_client
):
    with tenant_context(nyborg):
        app_device(nanna)
    browser = password_only(nyborg_client, nanna, nyborg)
    refused = browser.post("/tofaktor/webauthn/registration/begin/")
    assert refused.status_code >= 400 and "challenge" not in refused.content.decode()


def test_it_resets_passkeys_with_the_rest(nyborg, nanna, roklub, frida, nyborg_client):
    from django_otp_webauthn.models import WebAuthnCredential

    with tenant_context(nyborg):
        with_role(frida, roklub, OrganisationRole.Role.COORDINATOR)
        WebAuthnCredential.objects.create(
            user=frida,
            name="Telefon",
            confirmed=True,
            credential_id=b"x" * 16,
            public_key=b"y" * 16,
            sign_count=0,
        )
        assert AuditEvent.objects.filter(action="twofactor.device_added").count() == 1
    admin = signed_in(nyborg_client, nanna, nyborg)
    assert "Frida" in admin.get("/tofaktor/personale/").content.decode()
    admin.post(f"/tofaktor/personale/{frida.pk}/nulstil/")
    with tenant_context(nyborg):
        assert not WebAuthnCredential.objects.filter(user=frida).exists()

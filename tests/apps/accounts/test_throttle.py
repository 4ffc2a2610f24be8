"""Throttling through the real stack (tenant hosts, middleware, real Redis): failed password
sign-ins lock per (account, IP), per IP and, softer, per account; sign-in links and
registrations are limited per address and per IP. Nanna is Nyborg's admin; Anders, in
VisitAarhus, must never feel anything of Nyborg's locks."""

import re
import time

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django_tenants.utils import schema_context, tenant_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from kernel import ratelimit
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STRANGER = "203.0.113.66"
OWNER = "198.51.100.7"


def sign_in(client, email, password="wrong password", ip=STRANGER, **extra):
    return client.post(
        "/konto/log-ind/", {"username": email, "password": password}, REMOTE_ADDR=ip, **extra
    )


def lockout_text(minutes: int) -> str:
    """The lockout sentence as the tenant's language (Danish) says it."""
    with translation.override("da"):
        return ngettext(
            "Too many failed attempts to sign in. Wait %(minutes)s minute before you try "
            "your password again.",
            "Too many failed attempts to sign in. Wait %(minutes)s minutes before you try "
            "your password again.",
            minutes,
        ) % {"minutes": minutes}


def is_signed_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def locks(tenant) -> list[tuple[str, dict]]:
    with tenant_context(tenant):
        events = AuditEvent.objects.filter(action="user.sign_in_locked").order_by("pk")
        return [(e.target_id, e.data) for e in events]


# --- failed password sign-ins -------------------------------------------------------------


def test_it_locks_the_fifth_failure_from_one_address_with_a_danish_429(
    nyborg, nanna, nyborg_client
):
    answers = [sign_in(nyborg_client, nanna.email) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    locked = answers[-1]
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    body = locked.content.decode()
    assert lockout_text(15) in body and '<html lang="da">' in body
    with translation.override("da"):
        assert locked.context["lockout"]["help"] in body
        assert gettext("Send me a sign-in link") in body  # the way out, on the same page
    assert locks(nyborg) == [
        (str(nanna.pk), {"scope": "account_ip", "minutes": 15, "ip": STRANGER}),
    ]


def test_it_refuses_even_the_right_password_while_locked_and_audits_the_lock_once(
    nyborg, nanna, nyborg_client
):
    for _ in range(5):
        sign_in(nyborg_client, nanna.email)
    refused = sign_in(nyborg_client, nanna.email, PASSWORD)
    assert refused.status_code == 429 and not refused.wsgi_request.user.is_authenticated
    assert len(locks(nyborg)) == 1


def test_a_stranger_cannot_lock_the_owner_out_from_elsewhere(nyborg, nanna, nyborg_client):
    """The lock is on the stranger's address for that account: Nanna, at home, signs in."""
    for _ in range(10):
        sign_in(nyborg_client, nanna.email, ip=STRANGER)
    assert is_signed_in(sign_in(nyborg_client, nanna.email, PASSWORD, ip=OWNER))


def test_a_right_password_clears_the_failures_of_that_address(nanna, nyborg_client):
    for _ in range(4):
        sign_in(nyborg_client, nanna.email, ip=OWNER)
    assert is_signed_in(sign_in(nyborg_client, nanna.email, PASSWORD, ip=OWNER))
    nyborg_client.post("/konto/log-ud/")
    assert [sign_in(nyborg_client, nanna.email, ip=OWNER).status_code for _ in range(4)] == [
        200
    ] * 4


def test_it_locks_one_address_trying_many_accounts(settings, nyborg, nyborg_client):
    settings.RATELIMIT_SIGNIN_IP = (3, 900)
    answers = [sign_in(nyborg_client, f"guess{n}@example.dk") for n in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert sign_in(nyborg_client, "someone-else@example.dk").status_code == 429
    assert sign_in(nyborg_client, "guess1@example.dk", ip=OWNER).status_code == 200
    # A lock per IP names no account, nor the addresses tried (typos of real ones).
    assert locks(nyborg) == [("", {"scope": "ip", "minutes": 15, "ip": STRANGER})]


def test_guessing_spread_over_addresses_meets_the_softer_account_limit(
    settings, nyborg, nanna, nyborg_client, django_capture_on_commit_callbacks
):
    settings.RATELIMIT_SIGNIN_ACCOUNT = (3, 3600)
    for n in range(3):
        sign_in(nyborg_client, nanna.email, ip=f"203.0.113.{n}")
    refused = sign_in(nyborg_client, nanna.email, PASSWORD, ip=OWNER)
    assert refused.status_code == 429 and lockout_text(60) in refused.content.decode()
    assert locks(nyborg)[-1] == (
        str(nanna.pk),
        {"scope": "account", "minutes": 60, "ip": "203.0.113.2"},
    )
    # ... and the way out the page names still works: a sign-in link by mail.
    with django_capture_on_commit_callbacks(execute=True):
        asked = nyborg_client.post("/konto/link/", {"email": nanna.email}, REMOTE_ADDR=OWNER)
    assert asked.status_code == 200 and [m.to for m in mail.outbox] == [[nanna.email]]


def end_windows() -> None:
    """Let every open window run out now (as 15 minutes would): Redis expires the keys."""
    client = ratelimit._client()
    assert client is not None
    for key in client.scan_iter(match=f"{ratelimit._prefix()}:*"):
        client.pexpire(key, 1)
    time.sleep(0.01)


def test_the_lock_ends_with_its_window(nanna, nyborg_client):
    assert [sign_in(nyborg_client, nanna.email).status_code for _ in range(5)][-1] == 429
    assert sign_in(nyborg_client, nanna.email, PASSWORD).status_code == 429
    end_windows()
    assert is_signed_in(sign_in(nyborg_client, nanna.email, PASSWORD))


def test_a_lock_in_nyborg_is_nothing_in_aarhus(
    settings, nyborg, aarhus, nyborg_client, aarhus_client, anders
):
    """The same address (an account in both schemas) and the same IP: only Nyborg locks."""
    settings.RATELIMIT_SIGNIN_IP = (6, 900)
    for tenant in (nyborg, aarhus):
        with tenant_context(tenant):
            User.objects.create_user("both@example.dk", PASSWORD, full_name="Bo Both")
    assert [sign_in(nyborg_client, "both@example.dk").status_code for _ in range(5)][-1] == 429
    assert sign_in(nyborg_client, "x@example.dk").status_code == 429  # Nyborg's per-IP lock
    assert is_signed_in(sign_in(aarhus_client, "both@example.dk", PASSWORD))
    aarhus_client.post("/konto/log-ud/")
    assert is_signed_in(sign_in(aarhus_client, anders.email, PASSWORD))
    assert locks(aarhus) == []


def test_a_made_up_x_forwarded_for_does_not_escape_the_lock(settings, nanna, nyborg_client):
    settings.TRUSTED_PROXY_COUNT = 1  # behind the ingress, which appends what it saw
    answers = [
        sign_in(
            nyborg_client,
            nanna.email,
            ip="10.0.0.9",  # the ingress
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {STRANGER}",
        )
        for n in range(5)
    ]
    assert answers[-1].status_code == 429
    assert locks_ip(answers[-1]) == STRANGER
    other = sign_in(nyborg_client, nanna.email, PASSWORD, ip="10.0.0.9", HTTP_X_FORWARDED_FOR=OWNER)
    assert is_signed_in(other)


def locks_ip(response) -> str:
    tenant = response.wsgi_request.tenant
    return locks(tenant)[-1][1]["ip"]


def test_a_form_with_an_empty_field_is_not_a_failure(nanna, nyborg_client):
    for _ in range(6):
        assert sign_in(nyborg_client, nanna.email, password="").status_code == 200
    assert is_signed_in(sign_in(nyborg_client, nanna.email, PASSWORD))


def test_the_console_locks_its_own_sign_in_in_the_public_schema(
    vera, console_client, nyborg_client
):
    answers = [
        console_client.post(
            "/log-ind/", {"username": vera.email, "password": "nope"}, REMOTE_ADDR=STRANGER
        )
        for _ in range(5)
    ]
    assert answers[-1].status_code == 429 and "Retry-After" in answers[-1]
    assert lockout_text(15) in answers[-1].content.decode()
    with schema_context("public"):
        (event,) = AuditEvent.objects.filter(action="user.sign_in_locked")
        assert (event.target_id, event.data["scope"]) == (str(vera.pk), "account_ip")
    # The same address and IP on a tenant's site: a different schema, no lock.
    assert sign_in(nyborg_client, vera.email, ip=STRANGER).status_code == 200


def test_it_lets_sign_ins_through_when_redis_is_down(settings, nanna, nyborg_client, caplog):
    settings.RATELIMIT_REDIS_URL = "redis://127.0.0.1:1/0"
    try:
        assert {sign_in(nyborg_client, nanna.email).status_code for _ in range(8)} == {200}
        assert is_signed_in(sign_in(nyborg_client, nanna.email, PASSWORD))
    finally:
        ratelimit._resting_until.pop(settings.RATELIMIT_REDIS_URL, None)
    assert "Redis unreachable" in caplog.text


# --- sign-in links and registration ----------------------------------------------------------


def without_csrf(response) -> str:
    """The page without its CSRF token (masked afresh in every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def ask_link(client, email, ip=STRANGER, next_path="/profil/"):
    return client.post("/konto/link/", {"email": email, "next": next_path}, REMOTE_ADDR=ip)


def register(client, email, ip=STRANGER):
    form = {"full_name": "Ea Ny", "email": email, "phone": "", "next": "/profil/"}
    return client.post(
        "/konto/tilmeld/", {**form, "consent": "on", "privacy_version": "1"}, REMOTE_ADDR=ip
    )


def test_it_mails_an_address_three_links_and_then_answers_the_same_without_mail(
    frida, nyborg_client, django_capture_on_commit_callbacks
):
    """Thirty requests used to send thirty mails (one per `next`); now three, and the page
    still says "check your email", so it tells nobody whether the address has an account."""
    with django_capture_on_commit_callbacks(execute=True):
        answers = [ask_link(nyborg_client, frida.email, next_path=f"/p{n}/") for n in range(6)]
    assert {a.status_code for a in answers} == {200}
    assert len({without_csrf(a) for a in answers[2:]}) == 1  # the same page, mail or none
    assert [m.to for m in mail.outbox] == [[frida.email]] * 3


def test_a_flood_from_one_address_gets_429_with_the_wait(settings, nyborg_client):
    settings.RATELIMIT_LINK_IP = (3, 3600)
    answers = [ask_link(nyborg_client, f"n{n}@example.dk") for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    flooded = answers[-1]
    assert 3590 < int(flooded["Retry-After"]) <= 3600
    with translation.override("da"):
        wait = ngettext(
            "We have had many requests like this one from your connection. Wait %(minutes)s "
            "minute and try again.",
            "We have had many requests like this one from your connection. Wait %(minutes)s "
            "minutes and try again.",
            60,
        ) % {"minutes": 60}
    assert wait in flooded.content.decode()
    assert ask_link(nyborg_client, "n9@example.dk", ip=OWNER).status_code == 200


def test_registration_shares_the_address_count_and_has_its_own_per_ip(
    settings, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    settings.RATELIMIT_REGISTER_IP = (4, 3600)
    with django_capture_on_commit_callbacks(execute=True):
        ask_link(nyborg_client, "ea@example.dk")
        ask_link(nyborg_client, "ea@example.dk", next_path="/andet/")
        answers = [register(nyborg_client, "ea@example.dk") for _ in range(2)]
    # Two link requests (no account yet: no mail, but counted), then the registration
    # that is the address's third mail; the second registration sends nothing.
    assert [a.status_code for a in answers] == [200, 200]
    assert [m.to for m in mail.outbox] == [["ea@example.dk"]]
    with tenant_context(nyborg):
        assert User.objects.filter(email="ea@example.dk").count() == 1
    answers = [register(nyborg_client, f"r{n}@example.dk") for n in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Retry-After" in answers[-1]


def test_links_are_counted_per_tenant(settings, nyborg_client, aarhus_client):
    settings.RATELIMIT_LINK_IP = (2, 3600)
    assert [ask_link(nyborg_client, f"n{n}@example.dk").status_code for n in range(3)][-1] == 429
    assert ask_link(aarhus_client, "n0@example.dk").status_code == 200


def test_it_sends_links_when_redis_is_down(
    settings, frida, nyborg_client, django_capture_on_commit_callbacks
):
    settings.RATELIMIT_REDIS_URL = "redis://127.0.0.1:1/0"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            answers = [ask_link(nyborg_client, frida.email, next_path=f"/p{n}/") for n in range(5)]
    finally:
        ratelimit._resting_until.pop(settings.RATELIMIT_REDIS_URL, None)
    assert {a.status_code for a in answers} == {200} and len(mail.outbox) == 5


def test_an_english_visitor_is_told_in_english(settings, nanna, nyborg_client):
    nyborg_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    settings.RATELIMIT_LINK_IP = (1, 600)
    for _ in range(5):
        locked = sign_in(nyborg_client, nanna.email)
    assert "Wait 15 minutes before you try your password again." in locked.content.decode()
    assert locked["Content-Language"] == "en"
    flooded = [ask_link(nyborg_client, f"n{n}@example.dk") for n in range(2)][-1]
    assert flooded.status_code == 429 and flooded["Retry-After"] in {"599", "600"}
    assert "Wait 10 minutes and try again." in flooded.content.decode()

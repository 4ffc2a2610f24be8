"""Keys: hashed, shown once, scoped, refused once revoked or expired or when their maker
loses the role; last use written at most once a minute."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.api import tokens
from apps.api.models import ApiKey
from apps.audit.models import AuditEvent
from apps.organisations.models import OrganisationRole
from apps.organisations.permissions import NotCoordinator
from tests.apps.api.conftest import api_client, make_key
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_it_stores_only_a_prefix_and_an_hmac(rikke, roklub):
    key, token = make_key(rikke, organisation=roklub)
    assert token.startswith(f"tvh_{key.prefix}_")
    assert token not in key.secret_hash and key.secret_hash == tokens.digest(token)
    assert AuditEvent.objects.filter(action="api.key.created", target_id=str(key.pk)).exists()


def test_it_lets_only_admins_make_keys(kim, roklub, rikke):
    with pytest.raises(NotCoordinator):
        make_key(kim, organisation=roklub)  # a coordinator elsewhere
    with pytest.raises(NotCoordinator):
        make_key(rikke)  # an organisation's admin makes no site-wide key


def test_it_refuses_revoked_expired_and_unknown_keys(rikke, roklub, nanna):
    key, token = make_key(rikke, organisation=roklub)
    assert api_client(token=token).get("/api/v1/members/").status_code == 200
    key.revoked_at = timezone.now()
    key.save()
    refused = api_client(token=token).get("/api/v1/members/")
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["WWW-Authenticate"] == 'Bearer realm="api"'
    assert refused.json()["code"] == "authentication_failed"

    _old, expiring = make_key(rikke, organisation=roklub, expires_at=timezone.now())
    assert api_client(token=expiring).get("/api/v1/members/").status_code == 401
    assert api_client(token=token[:-2] + "xx").get("/api/v1/members/").status_code == 401
    assert api_client(token="tvh_nope").get("/api/v1/members/").status_code == 401


def test_it_stops_a_key_whose_maker_lost_the_role(rikke, roklub):
    _key, token = make_key(rikke, organisation=roklub)
    OrganisationRole.objects.filter(user=rikke).delete()
    assert api_client(token=token).get("/api/v1/members/").status_code == 401


def test_it_writes_last_use_at_most_once_a_minute(rikke, roklub):
    key, token = make_key(rikke, organisation=roklub)
    client = api_client(token=token)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get("/api/v1/members/")
        key.refresh_from_db()
        first = key.last_used_at
        assert first is not None
        clock.shift(timedelta(seconds=30))
        client.get("/api/v1/members/")
        key.refresh_from_db()
        assert key.last_used_at == first
        clock.shift(timedelta(seconds=31))
        client.get("/api/v1/members/")
        key.refresh_from_db()
        assert key.last_used_at > first


def test_it_shows_a_new_key_once_on_the_page(rikke, roklub, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, rikke, nyborg)
    page = browser.get("/api-noegler/")
    assert page.status_code == 200 and "Nyborg Roklub" in page.content.decode()
    made = browser.post(
        "/api-noegler/",
        {"name": "Kommunens hjemmeside", "scope": "read", "organisation": str(roklub.pk)},
    )
    body = made.content.decode()
    key = ApiKey.objects.get(name="Kommunens hjemmeside")
    assert made["Cache-Control"] == "no-store"
    assert f"tvh_{key.prefix}_" in body
    again = browser.get("/api-noegler/").content.decode()
    assert f"tvh_{key.prefix}_…" in again and f"tvh_{key.prefix}_" + "x" not in again

    revoked = browser.post(f"/api-noegler/{key.pk}/tilbagekald/")
    assert revoked.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == rikke


def test_it_makes_a_site_wide_key_for_the_owner_admin(nanna, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, nanna, nyborg)
    made = browser.post(
        "/api-noegler/", {"name": "Intranet", "scope": "write", "organisation": "site"}
    )
    assert made.status_code == 200
    key = ApiKey.objects.get(name="Intranet")
    assert key.organisation is None and key.writes


def test_it_hides_the_page_from_volunteers_and_other_organisations(
    frida, kim, rikke, roklub, nyborg, nyborg_client
):
    key, _token = make_key(rikke, organisation=roklub)
    browser = signed_in(nyborg_client, frida, nyborg)
    assert browser.get("/api-noegler/").status_code == 404
    browser = signed_in(nyborg_client, kim, nyborg)
    assert browser.post(f"/api-noegler/{key.pk}/tilbagekald/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None

"""Who sees what of a citizen: a referrer refers and sees nothing else; a volunteer sees
their own proposal only; another organisation's coordinator and another tenant's admin see
nothing at all."""

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.citizens.links import answer_token, match_for_token
from apps.citizens.services.matches import match_answer, match_propose, meeting_plan
from tests.apps.citizens.conftest import SPECIAL
from tests.apps.citizens.test_views import browser
from tests.conftest import signed_in
from tests.personas import in_days

pytestmark = pytest.mark.django_db


def _pages(referral, match) -> list[str]:
    return [
        "/borgere/",
        f"/borgere/henvisninger/{referral.pk}/",
        f"/borgere/mine/{match.pk}/",
        f"/borgere/match/{match.pk}/moede/",
        "/planlaeg/",
        "/rekruttering/tavle/",
    ]


def test_a_referrer_refers_and_sees_nothing_else(nyborg, referral, rasmus, sofie, volunteers):
    match = match_propose(actor=rasmus, referral=referral, volunteer=volunteers["frida"])
    as_sofie = browser(sofie, nyborg)
    assert as_sofie.get("/borgere/henvisning/ny/").status_code == 200
    for path in _pages(referral, match):
        response = as_sofie.get(path)
        assert response.status_code == 404, path
        assert "Inger" not in response.content.decode(), path
    assert as_sofie.post(f"/borgere/henvisninger/{referral.pk}/foelsomme/").status_code == 404


def test_a_volunteer_sees_only_their_own_proposal(nyborg, referral, rasmus, volunteers, kim):
    frida, bo = volunteers["frida"], volunteers["bo"]
    match = match_propose(actor=rasmus, referral=referral, volunteer=frida)
    for outsider in (bo, kim, rasmus):  # even the coordinator: it is Frida's page
        assert browser(outsider, nyborg).get(f"/borgere/mine/{match.pk}/").status_code == 404
    as_bo = browser(bo, nyborg)
    assert as_bo.post(f"/borgere/mine/{match.pk}/", {"answer": "yes"}).status_code == 404
    assert as_bo.get("/borgere/henvisning/ny/").status_code == 404
    assert "Inger" not in as_bo.get("/borgere/mine/").content.decode()
    match.refresh_from_db()
    assert match.status == "proposed"


def test_another_organisations_coordinator_sees_nothing(nyborg, referral, kim):
    as_kim = browser(kim, nyborg)
    assert "Inger" not in as_kim.get("/borgere/").content.decode()
    assert as_kim.get(f"/borgere/henvisninger/{referral.pk}/").status_code == 404
    # Kim may refer, as a coordinator, only into his own organisation's programmes.
    assert "Besøgsven" not in as_kim.get("/borgere/henvisning/ny/").content.decode()


def test_another_tenant_sees_nothing(
    nyborg, aarhus, anders, referral, rasmus, volunteers, aarhus_client
):
    frida = volunteers["frida"]
    match = match_propose(actor=rasmus, referral=referral, volunteer=frida)
    match_answer(actor=frida, match=match, accept=True)
    match = meeting_plan(actor=rasmus, match=match, starts_at=in_days(2), place="Caféen")
    token = answer_token(match=match)
    referral_id, match_id = referral.pk, match.pk
    with tenant_context(aarhus):
        assert match_for_token(token) is None  # the schema is in the salt
    # Anders on his own site: his list is his; Nyborg's ids and link answer nothing.
    as_anders = signed_in(aarhus_client, anders, aarhus)
    for path in (
        "/borgere/",
        f"/borgere/henvisninger/{referral_id}/",
        f"/borgere/mine/{match_id}/",
        f"/borgere/svar/{token}/",
    ):
        body = as_anders.get(path).content.decode()
        assert "Inger" not in body and "Nyborg" not in body and SPECIAL not in body, path
    # Anders's browser on Nyborg's host is nobody there.
    nyborg_host = signed_in(Client(HTTP_HOST="nyborg.localhost"), anders, aarhus)
    response = nyborg_host.get(f"/borgere/henvisninger/{referral_id}/")
    assert response.status_code == 302 and "/konto/log-ind/" in response["Location"]


def test_the_citizens_link_stops_when_the_meeting_moves(referral, rasmus, volunteers):
    frida = volunteers["frida"]
    match = match_propose(actor=rasmus, referral=referral, volunteer=frida)
    match_answer(actor=frida, match=match, accept=True)
    match = meeting_plan(actor=rasmus, match=match, starts_at=in_days(2), place="Caféen")
    old = answer_token(match=match)
    assert match_for_token(old) == match
    match = meeting_plan(actor=rasmus, match=match, starts_at=in_days(3), place="Caféen")
    assert match_for_token(old) is None and match_for_token(answer_token(match=match)) == match
    assert match_for_token(old[:-2] + "xx") is None
    assert match_for_token(answer_token(match=match), now=in_days(30)) is None
    assert timezone.now() < match.meeting_at

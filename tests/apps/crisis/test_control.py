"""Nanna, the site's admin, switches crisis mode on and off at /krise/styring/; nobody
else reaches the page; one crisis at a time, with a clear refusal, not a 500."""

import pytest

from apps.audit.models import AuditEvent
from apps.crisis.models import Crisis
from apps.crisis.services import CrisisRefused, crisis_start
from tests.apps.crisis.conftest import register
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

START = {"action": "start", "title": "Storm", "public_text": "Hjælp", "stand_down_days": "14"}


def test_it_switches_crisis_mode_on_and_off(
    roklub, nanna, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    assert browser.get("/krise/styring/").status_code == 200
    response = browser.post("/krise/styring/", {**START, "organisation": roklub.pk})
    assert response.status_code == 302
    crisis = Crisis.objects.get()
    assert (crisis.title, crisis.stand_down_days, crisis.started_by) == ("Storm", 14, nanna)
    assert browser.get("/krise/").status_code == 200
    register(crisis)
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(f"/krise/styring/{crisis.pk}/afslut/").status_code == 302
    crisis.refresh_from_db()
    assert crisis.ended_by == nanna and crisis.ended_at is not None
    assert browser.get("/krise/").status_code == 404
    actions = list(
        AuditEvent.objects.filter(target_type="crisis.Crisis").values_list("action", "data")
    )
    assert ("crisis.start", {"organisation_id": roklub.pk, "stand_down_days": 14}) in actions
    assert ("crisis.end", {"helpers": 1}) in actions


def test_it_refuses_a_second_active_crisis_clearly(flood, roklub, nanna, nyborg, nyborg_client):
    with pytest.raises(CrisisRefused) as refused:
        crisis_start(organisation=roklub, title="Again", by=nanna)
    assert refused.value.code == "already_active"
    browser = signed_in(nyborg_client, nanna, nyborg)
    page = browser.get("/krise/styring/").content.decode()
    assert f"/krise/styring/{flood.pk}/afslut/" in page  # the end button, no start form
    response = browser.post("/krise/styring/", {**START, "organisation": roklub.pk})
    assert response.status_code == 200 and 'class="error-summary"' in response.content.decode()
    assert Crisis.objects.count() == 1


def test_it_refuses_to_end_a_crisis_twice(flood, nanna):
    from apps.crisis.services import crisis_end

    crisis_end(crisis_id=flood.pk, by=nanna)
    with pytest.raises(CrisisRefused):
        crisis_end(crisis_id=flood.pk, by=nanna)


def test_it_lists_past_crises_with_helper_counts_and_the_deletion_date(
    flood, nanna, nyborg, nyborg_client
):
    from apps.crisis.services import crisis_end

    register(flood)
    register(flood, phone="87654321", name="Bo")
    crisis_end(crisis_id=flood.pk, by=nanna)
    page = signed_in(nyborg_client, nanna, nyborg).get("/krise/styring/").content.decode()
    assert flood.title in page and "<td>2</td>" in page


@pytest.mark.parametrize("who", ["rasmus", "kim", "frida"])
def test_it_shows_the_switch_to_nobody_but_the_sites_admins(
    who, request, roklub, nyborg, nyborg_client
):
    person = request.getfixturevalue(who)
    browser = signed_in(nyborg_client, person, nyborg)
    assert browser.get("/krise/styring/").status_code == 404
    response = browser.post("/krise/styring/", {**START, "organisation": roklub.pk})
    assert response.status_code == 404 and not Crisis.objects.exists()


def test_it_shows_anders_in_aarhus_nothing(flood, anders, aarhus, aarhus_client):
    browser = signed_in(aarhus_client, anders, aarhus)  # Aarhus's own admin
    page = browser.get("/krise/styring/").content.decode()
    assert flood.title not in page and "Nyborg" not in page
    assert browser.post(f"/krise/styring/{flood.pk}/afslut/").status_code == 404

"""The pages: Frida joins from her account, Nanna calls out at /beredskab/ and watches the
answers come in, Frida answers from her link without signing in. Kim (a coordinator
elsewhere), Frida and the signed-out never see the admin's pages; Anders (VisitAarhus) sees
nothing of Nyborg's pool and cannot answer with a Nyborg link."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.privacy.services.export import collect
from apps.reserve.models import Callout, CalloutAnswer, ReserveEnrolment
from apps.reserve.services import callout_answer, callout_send
from tests.conftest import host_client, signed_in

pytestmark = pytest.mark.django_db

# The counts part: what every signed-in request costs here (session, person, second
# factor, the staff session's checks: 6) and its own three (the call-out, its counts in
# one aggregate, the yes-list with each person in one join) — the same for one or fifty.
COUNTS_QUERIES = 9
# The admin's list: the session, the person, the second factor, the page frame (5); the
# pool's size and the call-outs with their counts (2); one or many call-outs alike.
LIST_QUERIES = 8


@pytest.fixture
def callout(pool, nanna, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return callout_send(by=nanna, title="Sandsække ved havnen", body="Kom!", place="Havnen")


def token_of(callout, user) -> str:
    return CalloutAnswer.objects.get(callout=callout, user=user).token


def test_it_lets_a_member_join_and_leave_from_her_account(
    sms_on, members, frida, nyborg, nyborg_client
):
    browser = signed_in(nyborg_client, frida, nyborg)
    url = reverse("reserve-mine")
    assert browser.get(url).status_code == 200
    refused = browser.post(url, {"sms": "on", "phone": ""})
    assert refused.status_code == 400 and not ReserveEnrolment.objects.exists()
    joined = browser.post(url, {"email": "on", "sms": "on", "phone": "20304050"})
    assert joined.status_code == 302
    assert ReserveEnrolment.objects.filter(user=frida, email=True, sms=True).exists()
    assert 'id="reserve-status"' in browser.get(url).content.decode()
    assert browser.post(url, {"leave": "1"}).status_code == 302
    assert not ReserveEnrolment.objects.exists()


def test_it_tells_someone_without_a_membership_to_join_an_organisation_first(
    dorthe, nyborg, nyborg_client
):
    browser = signed_in(nyborg_client, dorthe, nyborg)
    page = browser.get(reverse("reserve-mine")).content.decode()
    assert 'name="email"' not in page
    browser.post(reverse("reserve-mine"), {"email": "on"})
    assert not ReserveEnrolment.objects.exists()


def test_it_lets_the_site_admin_send_a_callout_from_the_page(
    pool, nanna, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    page = browser.get(reverse("reserve-callouts"))
    assert page.status_code == 200 and 'id="pool-size"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post(
            reverse("reserve-callouts"),
            {"title": "Sandsække", "place": "Havnen", "when": "Nu", "body": "Kom!"},
        )
    callout = Callout.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse(
        "reserve-callout", args=[callout.pk]
    )
    assert callout.answers.count() == 2
    assert browser.post(reverse("reserve-callouts"), {"title": ""}).status_code == 400


@pytest.mark.parametrize("who", ["kim", "frida"])
def test_it_shows_the_admins_pages_to_nobody_else(request, who, callout, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, request.getfixturevalue(who), nyborg)
    for url in (
        reverse("reserve-callouts"),
        reverse("reserve-callout", args=[callout.pk]),
        reverse("reserve-counts", args=[callout.pk]),
    ):
        assert browser.get(url).status_code == 404, url
    assert browser.post(reverse("reserve-callouts"), {"title": "x"}).status_code == 404
    assert Callout.objects.count() == 1


def test_it_sends_the_signed_out_to_sign_in(callout, nyborg_client):
    response = nyborg_client.get(reverse("reserve-callouts"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_answers_from_the_link_without_signing_in_and_get_changes_nothing(
    callout, frida, nyborg_client
):
    url = reverse("reserve-answer", args=[token_of(callout, frida)])
    page = nyborg_client.get(url)
    assert page.status_code == 200 and "Sandsække ved havnen" in page.content.decode()
    assert CalloutAnswer.objects.get(callout=callout, user=frida).yes is None
    assert nyborg_client.post(url, {"answer": "yes"}).status_code == 302
    assert nyborg_client.post(url, {"answer": "yes"}).status_code == 302  # twice: once
    assert CalloutAnswer.objects.get(callout=callout, user=frida).yes is True
    assert 'data-answer="yes"' in nyborg_client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="reserve.answer").count() == 1
    assert nyborg_client.post(url, {"answer": "maybe"}).status_code == 400
    assert nyborg_client.get(reverse("reserve-answer", args=["nope"])).status_code == 404


def test_it_wants_the_csrf_token_for_an_answer(callout, frida):
    from django.test import Client

    strict = Client(HTTP_HOST="nyborg.localhost", enforce_csrf_checks=True)
    url = reverse("reserve-answer", args=[token_of(callout, frida)])
    assert strict.post(url, {"answer": "yes"}).status_code == 403
    assert CalloutAnswer.objects.get(callout=callout, user=frida).yes is None


def test_it_shows_the_admin_live_counts_and_whom_to_call(
    callout, frida, bo, nanna, nyborg, nyborg_client, django_assert_num_queries
):
    callout_answer(token=token_of(callout, frida), yes=True)
    browser = signed_in(nyborg_client, nanna, nyborg)
    page = browser.get(reverse("reserve-callout", args=[callout.pk])).content.decode()
    assert 'hx-trigger="every 3s"' in page
    url = reverse("reserve-counts", args=[callout.pk])
    with django_assert_num_queries(COUNTS_QUERIES):
        part = browser.get(url).content.decode()
    assert 'id="count-yes" data-count="1"' in part and 'data-count="0"' in part
    assert "Frida Hansen" in part and "+4520304050" in part and "Bo Hansen" not in part
    callout_answer(token=token_of(callout, bo), yes=True)
    with django_assert_num_queries(COUNTS_QUERIES):
        part = browser.get(url).content.decode()
    assert 'id="count-yes" data-count="2"' in part and "Bo Hansen" in part


def test_it_lists_the_callouts_in_a_fixed_number_of_queries(
    callout, nanna, nyborg, nyborg_client, django_assert_num_queries
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    with django_assert_num_queries(LIST_QUERIES) as first:
        browser.get(reverse("reserve-callouts"))
    callout_send(by=nanna, title="Endnu en", body="")
    with django_assert_num_queries(len(first.captured_queries)):
        page = browser.get(reverse("reserve-callouts")).content.decode()
    assert "Endnu en" in page and "Sandsække ved havnen" in page


def test_it_shows_anders_in_aarhus_nothing_and_refuses_a_nyborg_link(
    callout, frida, aarhus, anders, aarhus_client
):
    nyborg_token = token_of(callout, frida)
    browser = signed_in(aarhus_client, anders, aarhus)
    page = browser.get(reverse("reserve-callouts")).content.decode()
    assert "Sandsække" not in page and "Nyborg" not in page
    assert browser.get(reverse("reserve-callout", args=[callout.pk])).status_code == 404
    url = reverse("reserve-answer", args=[nyborg_token])
    assert host_client("visitaarhus.localhost").get(url).status_code == 404
    assert host_client("visitaarhus.localhost").post(url, {"answer": "yes"}).status_code == 404


def test_it_puts_the_pool_and_her_answers_in_her_data_export(callout, frida):
    callout_answer(token=token_of(callout, frida), yes=True)
    data = collect(user=frida)
    assert data["reserve_pool"][0]["sms"] is True
    assert [row["yes"] for row in data["reserve_callouts"]] == [True]

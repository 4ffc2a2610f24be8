"""The needs board and triage pages (the crisis organisation's coordinators), the htmx
invite, and the helper's answer page without an account; Anders (another tenant) and
coordinators of other clubs see nothing."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context
from hypothesis import given

from apps.crisis.models import Invite, Need
from apps.crisis.needs import invite_send
from tests.apps.crisis.needs.conftest import next_weekday, post_need
from tests.conftest import signed_in
from tests.test_fuzz import FUZZ, ok, params, texts, values

pytestmark = pytest.mark.django_db
BOARD = "/krise/behov/"
QUERIES = 10  # the board page, signed in, whatever the number of needs


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_it_posts_a_need_from_the_board(nyborg, crisis, rasmus, nyborg_client):
    browser = signed_in(nyborg_client, rasmus, nyborg)
    start = next_weekday(2, 9)
    response = browser.post(
        BOARD,
        {
            "title": "Fyld sandsække",
            "place": "Nyborg Havn",
            "postcode": "5800",
            "starts_at": _local(start),
            "ends_at": _local(start + timedelta(hours=3)),
            "wanted": "4",
            "skills": ["practical"],
        },
    )
    with tenant_context(nyborg):
        need = Need.objects.get()
    assert response.status_code == 302 and response.url == reverse("crisis:need", args=[need.pk])
    assert (need.wanted, need.skills, need.shift.capacity) == (4, ["practical"], 4)
    assert browser.get(BOARD).status_code == 200


def test_it_explains_a_bad_need_on_the_form(nyborg, crisis, rasmus, nyborg_client):
    browser = signed_in(nyborg_client, rasmus, nyborg)
    start = next_weekday(2, 9)
    response = browser.post(
        BOARD,
        {
            "title": "X",
            "place": "Y",
            "postcode": "58",
            "starts_at": _local(start),
            "ends_at": _local(start - timedelta(hours=1)),
            "wanted": "0",
        },
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"postcode", "ends_at", "wanted"}


def test_it_lists_needs_in_a_constant_number_of_queries(
    nyborg, crisis, rasmus, helpers, nyborg_client, django_assert_num_queries
):
    browser = signed_in(nyborg_client, rasmus, nyborg)
    with tenant_context(nyborg):
        first = post_need(crisis, rasmus)
        invite_send(need=first, helper_ids=[helpers["hanne"].pk], by=rasmus)
    browser.get(BOARD)  # warm: the session's first request settles its clocks

    def count() -> int:
        # The session, the person, their role, the crisis, its needs; nothing per need.
        with django_assert_num_queries(QUERIES):
            response = browser.get(BOARD)
        assert response.status_code == 200
        return QUERIES

    one = count()
    with tenant_context(nyborg):
        for n in range(5):
            start = next_weekday(n % 5, 9)
            post_need(
                crisis,
                rasmus,
                title=f"Behov {n}",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            )
    assert count() == one
    body = browser.get(BOARD).content.decode()
    assert body.count('class="need"') == 6
    assert 'data-filled="0" data-wanted="2"' in body


def test_it_shows_the_board_in_exactly_the_queries_it_needs(
    nyborg, crisis, rasmus, nyborg_client, django_assert_num_queries
):
    from apps.crisis.needs_selectors import needs_board

    with tenant_context(nyborg):
        for n in range(3):
            post_need(crisis, rasmus, title=f"Behov {n}")
        with django_assert_num_queries(1):
            rows = list(needs_board(crisis=crisis))
            [row.shift.confirmed_count for row in rows]
    assert len(rows) == 3


def test_it_suggests_helpers_on_the_need_page(nyborg, need, helpers, rasmus, nyborg_client):
    browser = signed_in(nyborg_client, rasmus, nyborg)
    response = browser.get(reverse("crisis:need", args=[need.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Hanne Hjælper") < body.index("Jens Jylland")
    assert f'id="helper-{helpers["hanne"].pk}"' in body and "hx-post" in body


def test_it_invites_with_one_click_and_answers_the_row_in_place(
    nyborg, need, helpers, rasmus, nyborg_client
):
    browser = signed_in(nyborg_client, rasmus, nyborg)
    url = reverse("crisis:need-invite", args=[need.pk])
    hanne = helpers["hanne"].pk
    for _click in range(2):
        response = browser.post(url, {"helper": hanne}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "<html" not in response.content.decode()
        assert 'role="status"' in response.content.decode()
    with tenant_context(nyborg):
        assert Invite.objects.filter(need=need).count() == 1
    # Without htmx: back to the need's page.
    response = browser.post(url, {"helper": helpers["ib"].pk})
    assert response.status_code == 302


def test_it_closes_a_need_from_its_page(nyborg, need, rasmus, nyborg_client):
    browser = signed_in(nyborg_client, rasmus, nyborg)
    response = browser.post(reverse("crisis:need-close", args=[need.pk]))
    assert response.status_code == 302 and response.url == BOARD
    with tenant_context(nyborg):
        assert Need.objects.get(pk=need.pk).closed_at is not None


@pytest.mark.parametrize("who", ["kim", "frida"])
def test_it_hides_the_board_from_those_who_do_not_coordinate_the_crisis(
    who, request, nyborg, need, nyborg_client
):
    browser = signed_in(nyborg_client, request.getfixturevalue(who), nyborg)
    assert browser.get(BOARD).status_code == 404
    assert browser.get(reverse("crisis:need", args=[need.pk])).status_code == 404
    url = reverse("crisis:need-invite", args=[need.pk])
    assert browser.post(url, {"helper": 1}).status_code == 404


def test_it_sends_the_signed_out_to_sign_in(need, nyborg_client):
    response = nyborg_client.get(BOARD)
    assert response.status_code == 302 and "next=" in response.url


def test_it_has_no_board_without_an_active_crisis(nyborg, roklub, rasmus, nyborg_client):
    browser = signed_in(nyborg_client, rasmus, nyborg)
    assert browser.get(BOARD).status_code == 404


def _token(nyborg, need, helpers, rasmus, name="hanne") -> str:
    with tenant_context(nyborg):
        invite_send(need=need, helper_ids=[helpers[name].pk], by=rasmus)
        return Invite.objects.get(need=need, helper=helpers[name]).token


def test_it_lets_a_helper_say_yes_from_the_link_without_an_account(nyborg, need, helpers, rasmus):
    token = _token(nyborg, need, helpers, rasmus)
    helper_phone = Client(HTTP_HOST="nyborg.localhost", enforce_csrf_checks=True)
    url = reverse("crisis:answer", args=[token])
    page = helper_phone.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert need.title in body and need.place in body and 'value="yes"' in body
    assert helper_phone.post(url, {"answer": "yes"}).status_code == 403  # no CSRF token
    csrf = helper_phone.cookies["csrftoken"].value
    answered = helper_phone.post(url, {"answer": "yes", "csrfmiddlewaretoken": csrf})
    assert answered.status_code == 200
    assert 'value="yes"' not in answered.content.decode()
    with tenant_context(nyborg):
        assert Invite.objects.get(token=token).status == Invite.Status.ACCEPTED


def test_it_tells_a_helper_the_need_is_full(nyborg, crisis, rasmus, helpers, nyborg_client):
    with tenant_context(nyborg):
        need = post_need(crisis, rasmus, wanted=1)
    first = _token(nyborg, need, helpers, rasmus, "hanne")
    second = _token(nyborg, need, helpers, rasmus, "ib")
    nyborg_client.post(reverse("crisis:answer", args=[first]), {"answer": "yes"})
    response = nyborg_client.post(reverse("crisis:answer", args=[second]), {"answer": "yes"})
    assert (
        response.status_code == 200 and 'class="alert alert-warning"' in response.content.decode()
    )
    with tenant_context(nyborg):
        assert Invite.objects.get(token=second).status == Invite.Status.DECLINED


def test_it_says_an_unknown_link_leads_nowhere(nyborg_client, crisis):
    assert nyborg_client.get(reverse("crisis:answer", args=["nope"])).status_code == 404


def test_it_shows_nothing_of_nyborgs_crisis_to_anders_in_aarhus(
    nyborg, aarhus, need, helpers, rasmus, anders, aarhus_client
):
    """Anders coordinates VisitAarhus, which has no crisis: no board; Nyborg's answer link on
    Aarhus's host leads nowhere either."""
    token = _token(nyborg, need, helpers, rasmus)
    browser = signed_in(aarhus_client, anders, aarhus)
    assert browser.get(BOARD).status_code == 404
    assert browser.get(reverse("crisis:need", args=[need.pk])).status_code == 404
    response = browser.get(reverse("crisis:answer", args=[token]))
    assert response.status_code == 404
    assert need.title not in response.content.decode()
    assert (
        browser.post(reverse("crisis:answer", args=[token]), {"answer": "yes"}).status_code == 404
    )
    with tenant_context(nyborg):
        assert Invite.objects.get(token=token).status == Invite.Status.INVITED


@FUZZ
@given(form=params("title", "place", "postcode", "starts_at", "ends_at", "wanted", "skills",
                   "description"))  # fmt: skip
def test_the_board_takes_anything(nyborg, crisis, rasmus, nyborg_client, form):
    browser = signed_in(nyborg_client, rasmus, nyborg)
    ok(browser.post(BOARD, form))


@FUZZ
@given(helper=values, token=texts)
def test_inviting_and_answering_take_anything(nyborg, need, rasmus, nyborg_client, helper, token):
    browser = signed_in(nyborg_client, rasmus, nyborg)
    ok(browser.post(reverse("crisis:need-invite", args=[need.pk]), {"helper": helper}))
    ok(browser.get(f"/krise/svar/{quote(token, safe='')}/"))
    ok(nyborg_client.post(f"/krise/svar/{quote(token, safe='')}/", {"answer": helper}))

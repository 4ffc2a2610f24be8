"""Matching suggestions for a posting (an ongoing role): the order and the reasons in words,
who is left out, the queries, and the coordinator's page (Nanna finds candidates for the
rowing club's coach; Kim, who coordinates another association, finds nothing)."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from apps.accounts.models import User
from apps.matching.posting_matching import (
    PostingNeeds,
    describe_all,
    posting_needs,
    rank,
    rank_for_posting,
)
from apps.matching.shift_matching import Candidate
from apps.members.models import Membership, Profile, Tag
from apps.recruitment.models import Application, Posting
from apps.recruitment.services.pipeline import application_submit, application_withdraw
from apps.recruitment.services.postings import posting_create, posting_publish
from apps.shifts.models import SignUp
from tests.apps.shifts.conftest import in_days, make_shift, person
from tests.conftest import signed_in

NEEDS = PostingNeeds(
    skills=frozenset({"rowing", "first aid", "english", "coaching"}),
    interest_words=frozenset({"rowing", "coach", "teach", "beginners"}),
    place="havnevej 1, 5800 nyborg",
    postcodes=("5800",),
    hours=8,
    organisation_id=1,
)
TUESDAYS_AND_MORE = frozenset(
    {"tue-evening", "wed-evening", "thu-evening", "sat-morning", "sat-afternoon", "sun-morning"}
)


def candidate(user_id: int, name: str, **fields) -> Candidate:
    return Candidate(user_id=user_id, name=name, **fields)


def names(matches) -> list[str]:
    return [m.candidate.name for m in matches]


# --- the pure scoring -----------------------------------------------------------------


def test_it_ranks_by_skills_then_availability_then_area():
    skilled = candidate(1, "Skilled", skills=frozenset({"rowing", "first aid", "english"}))
    free = candidate(2, "Free", availability=TUESDAYS_AND_MORE)
    local = candidate(3, "Local", area="Nyborg")
    nearby = candidate(4, "Nearby", postcode="5853")
    nobody = candidate(5, "Nobody")
    order = rank(NEEDS, [nobody, nearby, local, free, skilled])
    assert names(order) == ["Skilled", "Free", "Local", "Nearby", "Nobody"]


def test_it_gives_the_reasons_in_words():
    frida = candidate(
        1,
        "Frida",
        skills=frozenset({"rowing", "first aid", "english", "knitting"}),
        interests=frozenset({"rowing"}),
        availability=TUESDAYS_AND_MORE,
        area="NYBORG",
        max_hours=10,
        helped=5,
    )
    with translation.override("en"):
        words = describe_all(rank(NEEDS, [frida])[0])
    assert words == [
        "3 of 4 skills",
        "free 6 times a week",
        "same area",
        "interested in rowing",
        "wants up to 10 hours a month",
        "has helped here 5 times",
    ]
    once = candidate(2, "Once", availability=frozenset({"tue-evening"}), postcode="5800")
    with translation.override("en"):
        assert describe_all(rank(NEEDS, [once])[0]) == ["free once a week", "same postcode"]


def test_it_prefers_room_for_the_role_over_fewer_hours_than_it_asks():
    roomy = candidate(1, "Roomy", max_hours=10)
    unknown = candidate(2, "Unknown")
    short = candidate(3, "Short", max_hours=4)
    order = rank(NEEDS, [short, unknown, roomy])
    assert names(order) == ["Roomy", "Unknown", "Short"]
    with translation.override("en"):
        assert describe_all(order[2]) == ["wants fewer hours than the role asks"]
        assert describe_all(order[1]) == []


def test_it_counts_more_free_slots_as_better_up_to_six():
    few = candidate(1, "Few", availability=frozenset({"tue-evening", "wed-evening"}))
    many = candidate(2, "Many", availability=TUESDAYS_AND_MORE | {"mon-morning"})
    enough = candidate(3, "Enough", availability=TUESDAYS_AND_MORE)
    order = rank(NEEDS, [few, many, enough])
    assert names(order) == ["Enough", "Many", "Few"]  # six and seven count the same
    assert order[0].score == order[1].score > order[2].score


def test_it_keeps_twenty_by_default():
    assert len(rank(NEEDS, [candidate(i, f"P{i:02}") for i in range(30)])) == 20


# --- from the database ------------------------------------------------------------------


def volunteer(name, roklub, *, tags=(), member=True, **profile) -> User:
    user = person(name)
    if member:
        Membership.objects.create(user=user, organisation=roklub, started_on=date(2024, 1, 1))
    made = Profile.objects.create(user=user, **profile)
    made.tags.set(tags)
    return user


@pytest.fixture
def tags(in_nyborg) -> dict[str, Tag]:
    return {
        name: Tag.objects.create(kind=kind, name=name)
        for kind, name in [
            (Tag.Kind.SKILL, "Roning"),
            (Tag.Kind.SKILL, "Førstehjælp"),
            (Tag.Kind.LANGUAGE, "Engelsk"),
            (Tag.Kind.INTEREST, "Begyndere"),
        ]
    }


@pytest.fixture
def coach(roklub, nanna) -> Posting:
    draft = posting_create(
        actor=nanna,
        organisation=roklub,
        title="Træner for begyndere",
        description="Lær begyndere at ro tirsdag aften.",
        skills="Roning, førstehjælp, engelsk",
        hours_per_month=8,
        place="Havnevej 1, 5800 Nyborg",
        opens_on=timezone.localdate() - timedelta(days=1),
        closes_on=timezone.localdate() + timedelta(days=30),
    )
    return posting_publish(actor=nanna, posting=draft)


def apply_to(posting: Posting, user: User) -> Application:
    return application_submit(
        user=user, posting=posting, motivation="Gerne.", availability=[], consent=True
    )


@pytest.mark.django_db
def test_it_reads_the_needs_of_a_posting(coach):
    needs = posting_needs(coach)
    assert needs.skills == {"roning", "førstehjælp", "engelsk"}
    assert {"begyndere", "tirsdag", "aften"} <= needs.interest_words
    assert (needs.place, needs.postcodes, needs.hours) == ("havnevej 1, 5800 nyborg", ("5800",), 8)


@pytest.mark.django_db
def test_it_ranks_members_and_active_volunteers_with_reasons(roklub, kiosk, tags, coach):
    t = tags
    frida = volunteer(
        "Frida",
        roklub,
        tags=[t["Roning"], t["Førstehjælp"], t["Begyndere"]],
        availability=["tue-evening", "thu-evening", "sat-morning"],
        area="Nyborg",
        max_hours_per_month=10,
    )
    for days in (40, 80):
        past = make_shift(kiosk, capacity=5, start=in_days(-days))
        SignUp.objects.create(shift=past, user=frida, status=SignUp.Status.CONFIRMED)
    volunteer("Bo", roklub, tags=[t["Engelsk"]], postcode="5800", max_hours_per_month=4)
    volunteer("Outsider", roklub, member=False, status=Profile.Status.ACTIVE, postcode="5853")
    volunteer("Follower", roklub, member=False, tags=list(t.values()))
    volunteer("Paused", roklub, tags=list(t.values()), status=Profile.Status.PAUSED)
    matches = rank_for_posting(coach)
    assert names(matches) == ["Frida Hansen", "Bo Hansen", "Outsider Hansen"]
    assert [m.candidate.is_member for m in matches] == [True, True, False]
    with translation.override("en"):
        assert describe_all(matches[0]) == [
            "2 of 3 skills",
            "free 3 times a week",
            "same area",
            "interested in begyndere",
            "wants up to 10 hours a month",
            "has helped here 2 times",
        ]
        assert describe_all(matches[1]) == [
            "1 of 3 skills",
            "same postcode",
            "wants fewer hours than the role asks",
        ]
        assert describe_all(matches[2]) == ["lives nearby"]


@pytest.mark.django_db
def test_it_leaves_out_people_who_applied(roklub, coach):
    frida, carl = volunteer("Frida", roklub), volunteer("Carl", roklub)
    volunteer("Bo", roklub)
    apply_to(coach, frida)
    withdrawn = apply_to(coach, carl)
    application_withdraw(user=carl, application=withdrawn)
    assert names(rank_for_posting(coach)) == ["Bo Hansen", "Carl Hansen"]


@pytest.mark.django_db
def test_it_loads_5_or_50_people_in_the_same_queries(roklub, tags, coach):
    def crowd(start: int, n: int) -> None:
        for i in range(start, start + n):
            volunteer(f"P{i:02}", roklub, tags=[tags["Roning"]], availability=["tue-evening"])

    crowd(0, 5)
    with CaptureQueriesContext(connection) as few:
        assert len(rank_for_posting(coach)) == 5
    crowd(5, 45)
    with CaptureQueriesContext(connection) as many:
        assert len(rank_for_posting(coach)) == 20
    assert len(few) == len(many) == 3  # tags, people, history here


# --- the page ---------------------------------------------------------------------------


@pytest.fixture
def english(nyborg_client):
    nyborg_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return nyborg_client


@pytest.mark.django_db
def test_it_shows_nanna_the_suggestions_with_mail_links_for_members(
    roklub, tags, coach, nanna, nyborg, english
):
    volunteer("Frida", roklub, tags=[tags["Roning"]], availability=["tue-evening"])
    volunteer("Outsider", roklub, member=False, status=Profile.Status.ACTIVE, area="Svendborg")
    client = signed_in(english, nanna, nyborg)
    response = client.get(f"/planlaeg/opslag/{coach.pk}/kandidater/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Frida Hansen") < body.index("Outsider Hansen")
    assert "1 of 3 skills · free once a week" in body
    assert 'href="mailto:frida@example.dk"' in body
    assert "outsider@example.dk" not in body  # not a member: name and area only
    assert "Outsider Hansen · Svendborg" in body
    assert not Application.objects.exists()  # suggestions only
    board = client.get(f"/rekruttering/tavle/?opslag={coach.pk}").content.decode()
    assert f'href="/planlaeg/opslag/{coach.pk}/kandidater/"' in board


@pytest.mark.django_db
def test_it_answers_404_to_anyone_who_may_not_coordinate_the_posting(
    roklub, coach, kim, frida, nyborg, english
):
    page = f"/planlaeg/opslag/{coach.pk}/kandidater/"
    for user in (kim, frida):
        assert signed_in(english, user, nyborg).get(page).status_code == 404
    english.logout()
    assert english.get(page).status_code == 302  # to the sign-in page

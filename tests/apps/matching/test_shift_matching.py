"""Matching suggestions for a shift: the order, the reasons in words, who is left out, and
the coordinator's page (Nanna finds candidates for the regatta's kiosk; Kim finds nothing)."""

from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from apps.accounts.models import User
from apps.matching.shift_matching import (
    Candidate,
    Needs,
    Reason,
    candidates,
    describe,
    describe_all,
    rank,
    rank_candidates,
    score,
    shift_needs,
    terms,
)
from apps.members.models import Membership, Profile, Tag
from apps.shifts.models import Shift, SignUp
from apps.shifts.services.signups import shift_sign_up
from tests.apps.shifts.conftest import in_days, make_shift, person
from tests.conftest import signed_in

NEEDS = Needs(
    skills=frozenset({"first aid", "english", "cash register", "forklift"}),
    interest_words=frozenset({"sport", "regatta", "kiosk"}),
    weekday="tue",
    parts=("morning",),
    area="nyborg",
    postcode="5800",
    hours=3,
    month=date(2026, 3, 1),
    organisation_id=1,
)


def candidate(user_id: int, name: str, **fields) -> Candidate:
    return Candidate(user_id=user_id, name=name, **fields)


# --- the pure scoring -----------------------------------------------------------------


def test_terms_split_the_free_text_of_a_task():
    assert terms("First aid, English;  cash register\nForklift,") == {
        "first aid",
        "english",
        "cash register",
        "forklift",
    }
    assert terms("") == frozenset()


def test_more_skills_win_then_availability_then_area():
    skilled = candidate(1, "Skilled", skills=frozenset({"first aid", "english", "forklift"}))
    free = candidate(2, "Free", availability=frozenset({"tue-morning"}))
    local = candidate(3, "Local", postcode="5800")
    nearby = candidate(4, "Nearby", postcode="5853")
    nobody = candidate(5, "Nobody")
    order = [m.candidate.name for m in rank(NEEDS, [nobody, nearby, local, free, skilled])]
    assert order == ["Skilled", "Free", "Local", "Nearby", "Nobody"]


def test_reasons_read_as_words():
    c = candidate(
        1,
        "Frida",
        skills=frozenset({"first aid", "english", "cash register", "knitting"}),
        interests=frozenset({"sport"}),
        availability=frozenset({"tue-morning", "sat-evening"}),
        area="NYBORG",
        max_shifts=4,
        month_shifts=2,
        helped=5,
    )
    with translation.override("en"):
        words = describe_all(score(NEEDS, c))
    assert words == [
        "3 of 4 skills",
        "free on Tuesday mornings",
        "same area",
        "interested in sport",
        "2 shifts left in March",
        "has helped here 5 times",
    ]


def test_plurals_and_the_other_reasons():
    with translation.override("en"):
        assert describe(Reason("skills", 1, 1)) == "1 of 1 skill"
        assert describe(Reason("shifts_left", 1, text="2026-03-01")) == "1 shift left in March"
        assert describe(Reason("hours_left", 6, text="2026-03-01")) == "6 hours left in March"
        assert describe(Reason("helped", 1)) == "has helped here once"
        assert describe(Reason("free", text="sun-evening")) == "free on Sunday evenings"
        assert describe(Reason("nearby")) == "lives nearby"
        assert describe(Reason("same_postcode")) == "same postcode"
        assert describe(Reason("not_free", text="tue-morning")) == "not usually free then"
        assert (
            describe(Reason("limit_reached", text="2026-03-01"))
            == "has reached their own limit for March"
        )


def test_someone_at_their_own_limit_goes_to_the_bottom_and_says_why():
    full = candidate(
        1,
        "Full",
        skills=frozenset(NEEDS.skills),
        availability=frozenset({"tue-morning"}),
        max_shifts=2,
        month_shifts=2,
    )
    few_hours = candidate(2, "Few hours", max_hours=10, month_hours=8)  # the shift takes 3
    plain = candidate(3, "Plain")
    order = rank(NEEDS, [full, few_hours, plain])
    # However good a fit: below everyone within their limits.
    assert [m.candidate.name for m in order] == ["Plain", "Full", "Few hours"]
    assert Reason("limit_reached", text="2026-03-01") in order[1].reasons
    assert order[1].over_limit and order[2].over_limit and not order[0].over_limit


def test_headroom_and_history_break_ties():
    roomy = candidate(1, "Roomy", max_shifts=10, month_shifts=1)
    tight = candidate(2, "Tight", max_shifts=10, month_shifts=9)
    veteran = candidate(3, "Veteran", helped=12)
    newcomer = candidate(4, "Newcomer")
    order = [m.candidate.name for m in rank(NEEDS, [tight, newcomer, veteran, roomy])]
    # Helped five times or more, no limits given: about as good as plenty of room.
    assert order == ["Veteran", "Roomy", "Newcomer", "Tight"]


def test_equal_scores_go_to_whoever_has_done_least_then_by_name():
    busy = candidate(1, "Anna", month_shifts=3)
    idle_b = candidate(2, "Bent")
    idle_a = candidate(3, "Aase")
    assert [m.candidate.name for m in rank(NEEDS, [busy, idle_b, idle_a])] == [
        "Aase",
        "Bent",
        "Anna",
    ]


def test_a_long_shift_counts_each_day_part_it_covers():
    needs = Needs(**{**NEEDS.__dict__, "parts": ("morning", "afternoon")})
    both = candidate(1, "Both", availability=frozenset({"tue-morning", "tue-afternoon"}))
    half = candidate(2, "Half", availability=frozenset({"tue-afternoon"}))
    other_day = candidate(3, "Other day", availability=frozenset({"wed-morning"}))
    order = rank(needs, [other_day, half, both])
    assert [m.candidate.name for m in order] == ["Both", "Half", "Other day"]
    with translation.override("en"):
        assert describe_all(order[0]) == [
            "free on Tuesday mornings",
            "free on Tuesday afternoons",
        ]
        assert describe_all(order[2]) == ["not usually free then"]


def test_rank_keeps_twenty_by_default():
    people = [candidate(i, f"P{i:02}") for i in range(30)]
    assert len(rank(NEEDS, people)) == 20
    assert len(rank(NEEDS, people, limit=None)) == 30


# --- from the database ------------------------------------------------------------------


def at(days: int, hour: int) -> datetime:
    return in_days(days, hour)


def volunteer(name, roklub, *, tags=(), member=True, **profile) -> User:
    user = person(name)
    if member:
        Membership.objects.create(user=user, organisation=roklub, started_on=date(2024, 1, 1))
    made = Profile.objects.create(user=user, **profile)
    made.tags.set(tags)
    return user


@pytest.fixture
def tags(in_nyborg) -> dict[str, Tag]:
    made = {
        name: Tag.objects.create(kind=kind, name=name)
        for kind, name in [
            (Tag.Kind.SKILL, "Førstehjælp"),
            (Tag.Kind.SKILL, "Kasse"),
            (Tag.Kind.LANGUAGE, "Engelsk"),
            (Tag.Kind.INTEREST, "Roning"),
        ]
    }
    return made


@pytest.fixture
def bar(kiosk, regatta) -> Shift:
    """A Tuesday morning at the kiosk, 9-11, needing three skills."""
    kiosk.skills = "førstehjælp, KASSE, engelsk"
    kiosk.title = "Kiosk ved roning"
    kiosk.save()
    regatta.area, regatta.postcode = "Nyborg", "5800"
    regatta.save()
    start = at(10, 9)
    start += timedelta(days=(1 - start.weekday()) % 7)  # the Tuesday on or after
    return make_shift(kiosk, capacity=3, start=start, hours=2)


@pytest.mark.django_db
def test_needs_of_a_shift_come_from_its_task_event_and_local_time(bar):
    needs = shift_needs(bar)
    assert needs.skills == {"førstehjælp", "kasse", "engelsk"}
    assert (needs.weekday, needs.parts) == ("tue", ("morning",))
    assert (needs.area, needs.postcode, needs.hours) == ("nyborg", "5800", 2)
    assert "roning" in needs.interest_words
    assert needs.month == timezone.localtime(bar.starts_at).date().replace(day=1)


@pytest.mark.django_db
def test_members_ranked_with_reasons_in_a_constant_number_of_queries(roklub, tags, bar):
    t = tags
    volunteer(
        "Frida",
        roklub,
        tags=[t["Førstehjælp"], t["Kasse"], t["Engelsk"], t["Roning"]],
        availability=["tue-morning"],
        area="Nyborg",
        max_shifts_per_month=4,
    )
    volunteer("Bo", roklub, tags=[t["Kasse"]], postcode="5800")
    volunteer("Carl", roklub, availability=["tue-morning"])
    volunteer("Paused", roklub, tags=list(t.values()), status=Profile.Status.PAUSED)
    volunteer("Outsider", roklub, member=False, tags=list(t.values()), status="active")
    with CaptureQueriesContext(connection) as few:
        rank_candidates(bar)
    for i in range(5):  # more people, the same queries
        volunteer(f"Extra{i}", roklub, tags=[t["Kasse"]])
    with CaptureQueriesContext(connection) as more:
        matches = rank_candidates(bar)
    assert len(more) == len(few) == 4  # tags, month, history, people
    names = [m.candidate.name for m in matches]
    assert names[:3] == ["Frida Hansen", "Bo Hansen", "Carl Hansen"]
    assert "Paused Hansen" not in names and "Outsider Hansen" not in names
    with translation.override("en"):
        assert describe_all(matches[0])[:4] == [
            "3 of 3 skills",
            "free on Tuesday mornings",
            "same area",
            "interested in roning",
        ]
        assert describe_all(matches[1]) == ["1 of 3 skills", "same postcode"]


@pytest.mark.django_db
def test_everyone_widens_to_the_tenants_active_volunteers(roklub, tags, bar):
    volunteer("Member", roklub)
    volunteer("Outsider", roklub, member=False, tags=[tags["Kasse"]], status="active")
    volunteer("Follower", roklub, member=False, status=Profile.Status.FOLLOWER)
    names = [m.candidate.name for m in rank_candidates(bar, everyone=True)]
    assert names == ["Outsider Hansen", "Member Hansen"]
    matches = rank_candidates(bar, everyone=True)
    assert [m.candidate.is_member for m in matches] == [False, True]


@pytest.mark.django_db
def test_counts_this_month_and_history_here_and_who_is_left_out(roklub, kiosk, bar):
    frida = volunteer("Frida", roklub, max_shifts_per_month=3, max_hours_per_month=20)
    bo = volunteer("Bo", roklub)
    carl = volunteer("Carl", roklub)
    # Frida: one more shift in the same month (3 hours), and two past ones for the roklub.
    step = timedelta(days=2 if timezone.localtime(bar.starts_at).day <= 20 else -2)
    later = make_shift(kiosk, capacity=5, start=bar.starts_at + step, hours=3)
    shift_sign_up(shift_id=later.pk, user=frida)
    for days in (40, 80):
        past = make_shift(kiosk, capacity=5, start=at(-days, 10))
        SignUp.objects.create(shift=past, user=frida, status=SignUp.Status.CONFIRMED)
    # Bo is on this shift already; Carl is busy elsewhere at the same time.
    shift_sign_up(shift_id=bar.pk, user=bo)
    clash = make_shift(kiosk, capacity=5, start=bar.starts_at + timedelta(hours=1))
    shift_sign_up(shift_id=clash.pk, user=carl)
    needs = shift_needs(bar)
    found = {c.name: c for c in candidates(bar, needs)}
    assert set(found) == {"Frida Hansen"}
    frida_row = found["Frida Hansen"]
    assert (frida_row.month_shifts, frida_row.month_hours, frida_row.helped) == (1, 3.0, 2)
    with translation.override("en"):
        words = describe_all(score(needs, frida_row))
    month = timezone.localtime(bar.starts_at).strftime("%B")
    assert words == [f"2 shifts left in {month}", "has helped here 2 times"]


@pytest.mark.django_db
def test_the_fast_path_gives_the_same_list_as_scoring_everybody(roklub, kiosk, tags, bar):
    t = tags
    volunteer("A", roklub, tags=[t["Kasse"]], availability=["tue-morning"], area="nyborg")
    volunteer("B", roklub, tags=[t["Kasse"], t["Engelsk"]], postcode="5800")
    volunteer("C", roklub, tags=[t["Roning"]], postcode="5853", max_shifts_per_month=0)
    volunteer("D", roklub, availability=["wed-evening"])
    volunteer("E", roklub, tags=[t["Førstehjælp"], t["Kasse"], t["Engelsk"]])
    volunteer("F", roklub)
    full = rank_candidates(bar, limit=3, prefilter=0)
    with CaptureQueriesContext(connection) as fast:
        quick = rank_candidates(bar, limit=3, prefilter=4)
    assert [m.candidate.name for m in quick] == [m.candidate.name for m in full]
    assert [m.candidate.name for m in full] == ["A Hansen", "B Hansen", "E Hansen"]
    assert len(fast) == 4  # proven from the best four: no second round


@pytest.mark.django_db
def test_when_the_profiles_tell_little_it_falls_back_to_everybody(roklub, kiosk, bar):
    first, second = volunteer("First", roklub), volunteer("Second", roklub)
    veteran = volunteer("Veteran", roklub)  # loaded last by the fast path: the highest id
    assert veteran.pk > max(first.pk, second.pk)
    for days in range(5, 30, 5):
        past = make_shift(kiosk, capacity=5, start=at(-days, 10))
        SignUp.objects.create(shift=past, user=veteran, status=SignUp.Status.CONFIRMED)
    with CaptureQueriesContext(connection) as queries:
        best = rank_candidates(bar, limit=1, prefilter=2)
    assert [m.candidate.name for m in best] == ["Veteran Hansen"]
    assert len(queries) == 8  # the fast path could not prove it; everybody was loaded


# --- the page ---------------------------------------------------------------------------


@pytest.fixture
def english(nyborg_client):
    nyborg_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return nyborg_client


@pytest.mark.django_db
def test_nanna_finds_candidates_and_adds_one(roklub, tags, bar, nanna, nyborg, english):
    frida = volunteer("Frida", roklub, tags=[tags["Kasse"]], availability=["tue-morning"])
    volunteer("Bo", roklub)
    client = signed_in(english, nanna, nyborg)
    page = f"/planlaeg/vagter/{bar.pk}/kandidater/"
    response = client.get(page)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Frida Hansen") < body.index("Bo Hansen")
    assert "1 of 3 skills · free on Tuesday mornings" in body
    assert "frida@example.dk" not in body  # names and reasons, no contact details
    assert SignUp.objects.count() == 0  # suggestions only
    # A GET on the button's address changes nothing.
    add = f"/planlaeg/vagter/{bar.pk}/kandidater/{frida.pk}/tilfoej/"
    assert client.get(add).status_code == 302
    assert SignUp.objects.count() == 0
    response = client.post(add, follow=True)
    assert "Frida Hansen has a place on the shift." in response.content.decode()
    signup = SignUp.objects.get(shift=bar, user=frida)
    assert (signup.status, signup.changed_by) == (SignUp.Status.CONFIRMED, nanna)
    # Now on the shift, she is no longer suggested.
    assert "Frida Hansen" not in client.get(page).content.decode().split("</h1>")[1]
    everyone = client.get(page + "?alle=1")
    assert "Only members of Nyborg Roklub" in everyone.content.decode()


@pytest.mark.django_db
def test_others_find_nothing(roklub, bar, kim, frida, nyborg, english):
    volunteer("Bo", roklub)
    page = f"/planlaeg/vagter/{bar.pk}/kandidater/"
    add = f"/planlaeg/vagter/{bar.pk}/kandidater/{frida.pk}/tilfoej/"
    for user in (kim, frida):
        client = signed_in(english, user, nyborg)
        assert client.get(page).status_code == 404
        assert client.post(add).status_code == 404
    assert not SignUp.objects.filter(shift=bar).exists()
    english.logout()
    assert english.get(page).status_code == 302  # to the sign-in page

"""Suggested volunteers for a referral: the pure scoring and its words, and the load from
the database in a fixed number of queries."""

import pytest
from django.utils import translation

from apps.citizens.suggestions import (
    CitizenCandidate,
    ReferralNeeds,
    describe_all,
    rank,
    suggest,
)
from apps.members.models import Membership, Profile

NEEDS = ReferralNeeds(
    languages=frozenset({"dansk", "arabisk"}),
    interests=frozenset({"skak", "gåture"}),
    codes=frozenset({"tue-afternoon", "thu-morning"}),
    postcode="5800",
    programme_id=1,
)


def person(user_id: int, name: str, **fields) -> CitizenCandidate:
    return CitizenCandidate(user_id=user_id, name=name, **fields)


def names(matches) -> list[str]:
    return [m.candidate.name for m in matches]


def test_it_ranks_language_then_time_then_place():
    speaks = person(1, "Speaks", languages=frozenset({"arabisk"}))
    free = person(2, "Free", availability=NEEDS.codes, has_availability=True)
    near = person(3, "Near", postcode="5800")
    far = person(4, "Far", postcode="9000")
    assert names(rank(NEEDS, [far, near, free, speaks])) == ["Speaks", "Free", "Near", "Far"]


def test_it_puts_the_full_and_the_unready_last():
    full = person(1, "Full", languages=frozenset({"arabisk"}), capacity=1, open_matches=1)
    unready = person(2, "Unready", languages=frozenset({"arabisk"}), missing=("agreement",))
    plain = person(3, "Plain")
    assert names(rank(NEEDS, [unready, full, plain])) == ["Plain", "Full", "Unready"]


def test_it_gives_its_reasons_in_plain_words():
    frida = person(
        1,
        "Frida",
        languages=frozenset({"arabisk"}),
        interests=frozenset({"skak"}),
        availability=frozenset({"tue-afternoon", "sat-morning"}),
        has_availability=True,
        postcode="5853",
        capacity=2,
        experience=1,
    )
    (match,) = rank(NEEDS, [frida])
    with translation.override("en"):
        assert describe_all(match) == [
            "speaks arabisk",
            "free at 1 of the 2 times the citizen suggested",
            "free on Tuesday afternoons",
            "lives nearby",
            "interested in skak",
            "room for 2 more citizens",
            "has been matched with a citizen before",
        ]


@pytest.mark.django_db
def test_it_loads_the_pool_in_six_queries_whatever_its_size(
    referral, roklub, volunteers, django_assert_num_queries
):
    from tests.personas import person as make

    for n in range(15):
        extra = make(f"Extra{n}")
        Membership.objects.create(user=extra, organisation=roklub, started_on="2025-01-01")
        Profile.objects.create(user=extra, status=Profile.Status.ACTIVE, postcode="5700")
    with django_assert_num_queries(6):
        found = suggest(referral)
    assert found[0].candidate.name == "Frida Hansen" and found[0].ready
    assert len(found) == 17 and not found[-1].ready  # Bo: the agreement is missing


@pytest.mark.django_db
def test_it_leaves_out_the_paused_and_other_organisations(referral, volunteers, kim):
    Profile.objects.filter(user=volunteers["bo"]).update(status=Profile.Status.PAUSED)
    assert [s.candidate.name for s in suggest(referral)] == ["Frida Hansen"]

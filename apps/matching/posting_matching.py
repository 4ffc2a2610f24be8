"""Matching suggestions for a posting (an ongoing role): volunteers ranked, with reasons.

A coordinator decides; nothing here asks or assigns anybody. The shift matching
(`apps.matching.shift_matching`) lends its pieces: `terms` and `words`, the weights, `Candidate`,
`Reason`, `Match` and the words of the reasons they share. What differs for a role that
lasts:

* availability: how many weekly slots a person is free at all (more is better), not
  whether they are free at one moment;
* headroom: the hours a month the role asks against the most a person wants to give;
* area: the posting's free-text place against the person's area or postcode.

`posting_candidates` loads everybody in three queries whatever their number: the tags,
the people (with their tag ids as an array), and the history here per person.
"""

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Count, ExpressionWrapper, IntegerField, OuterRef, Q
from django.db.models import Value as V
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import User
from apps.matching.shift_matching import (
    HISTORY_FULL,
    HISTORY_WEIGHT,
    SHOWN,
    WEIGHTS,
    Candidate,
    Match,
    Reason,
    describe,
    terms,
    words,
)
from apps.members.models import AVAILABILITY_CODES, Membership, Profile, Tag
from apps.recruitment.models import Application, Posting
from apps.shifts.models import SignUp

AVAILABILITY_FULL = 6  # free this many times a week or more: the whole availability weight
KNOWN_CODES = frozenset(AVAILABILITY_CODES)


@dataclass(frozen=True)
class PostingNeeds:
    """What one posting asks for."""

    skills: frozenset[str]  # lower-case terms
    interest_words: frozenset[str]  # the words of the title and description, lower-case
    place: str  # lower-case, may be ""
    postcodes: tuple[str, ...]  # four-digit numbers found in the place
    hours: int | None  # hours a month the role asks
    organisation_id: int


@dataclass(slots=True)
class PostingCandidate(Candidate):
    """A `Candidate` with their e-mail address (shown for members only)."""

    email: str = ""


def posting_needs(posting: Posting) -> PostingNeeds:
    place = posting.place.strip().lower()
    return PostingNeeds(
        skills=terms(posting.skills),
        interest_words=words(posting.title) | words(posting.description),
        place=place,
        postcodes=tuple(re.findall(r"\b\d{4}\b", place)),
        hours=posting.hours_per_month,
        organisation_id=posting.organisation_id,
    )


# --- the pure part --------------------------------------------------------------------


def _in_place(area: str, place: str) -> bool:
    area = area.strip().lower()
    return bool(area and place) and re.search(rf"(?<!\w){re.escape(area)}(?!\w)", place) is not None


def score(needs: PostingNeeds, c: Candidate) -> Match:
    """How well `c` fits the posting, from 0 to 100, with the reasons."""
    total, reasons = 0.0, []

    if needs.skills:
        have = len(needs.skills & c.skills)
        total += WEIGHTS["skills"] * have / len(needs.skills)
        if have:
            reasons.append(Reason("skills", have, len(needs.skills)))

    slots = len(c.availability)
    if slots:
        total += WEIGHTS["availability"] * min(slots, AVAILABILITY_FULL) / AVAILABILITY_FULL
        reasons.append(Reason("free_weekly", slots))

    if _in_place(c.area, needs.place):
        total += WEIGHTS["area"]
        reasons.append(Reason("same_area"))
    elif c.postcode and c.postcode in needs.postcodes:
        total += WEIGHTS["area"]
        reasons.append(Reason("same_postcode"))
    elif c.postcode[:2] and any(c.postcode[:2] == p[:2] for p in needs.postcodes):
        total += WEIGHTS["area"] / 2
        reasons.append(Reason("nearby"))

    liked = sorted(c.interests & needs.interest_words)
    if liked:
        total += WEIGHTS["interests"]
        reasons.append(Reason("interest", text=liked[0]))

    if c.max_hours is None or needs.hours is None:
        total += WEIGHTS["headroom"] / 2  # nothing to compare: neither room nor a worry
        if c.max_hours is not None:
            reasons.append(Reason("wants_hours", c.max_hours))
    elif c.max_hours >= needs.hours:
        total += WEIGHTS["headroom"]
        reasons.append(Reason("wants_hours", c.max_hours))
    else:
        reasons.append(Reason("fewer_hours"))

    if c.helped:
        total += HISTORY_WEIGHT * min(c.helped, HISTORY_FULL) / HISTORY_FULL
        reasons.append(Reason("helped", c.helped))

    return Match(c, round(total, 2), tuple(reasons))


def rank(
    needs: PostingNeeds, people: Iterable[Candidate], limit: int | None = SHOWN
) -> list[Match]:
    matches = (score(needs, c) for c in people)
    if limit is None:
        return sorted(matches, key=_sort_key)
    return heapq.nsmallest(limit, matches, key=_sort_key)


def _sort_key(match: Match) -> tuple[float, str, int]:
    return (-match.score, match.candidate.name.lower(), match.candidate.user_id)


def describe_reason(reason: Reason) -> str:
    """One reason in words, in the active language."""
    if reason.code == "free_weekly":
        return ngettext("free once a week", "free %(n)s times a week", reason.n) % {"n": reason.n}
    if reason.code == "wants_hours":
        return ngettext(
            "wants up to %(n)s hour a month", "wants up to %(n)s hours a month", reason.n
        ) % {"n": reason.n}
    if reason.code == "fewer_hours":
        return _("wants fewer hours than the role asks")
    return describe(reason)


def describe_all(match: Match) -> list[str]:
    return [describe_reason(r) for r in match.reasons]


# --- from the database ------------------------------------------------------------------


def posting_candidates(posting: Posting, needs: PostingNeeds) -> list[PostingCandidate]:
    """The tenant's active volunteers and the organisation's active members, not paused
    and without an open (or accepted) application to this posting, in three queries."""
    skill_tags: dict[int, str] = {}
    interest_tags: dict[int, str] = {}
    for pk, kind, name in Tag.objects.values_list("pk", "kind", "name"):
        if kind == Tag.Kind.INTEREST and name.lower() in needs.interest_words:
            interest_tags[pk] = name.lower()
        elif kind != Tag.Kind.INTEREST and name.lower() in needs.skills:
            skill_tags[pk] = name.lower()
    members = Membership.objects.filter(
        organisation_id=needs.organisation_id, status=Membership.Status.ACTIVE
    ).values("user_id")
    applied = Application.objects.filter(
        posting=posting, status__in=[*Application.OPEN, Application.Status.ACTIVE]
    ).values("user_id")
    is_member = Q(pk__in=members)
    through = Profile.tags.through.objects.filter(profile_id=OuterRef("profile__pk")).order_by()
    wanted = [*skill_tags, *interest_tags]
    rows = (
        User.objects.filter(is_active=True)
        .filter(Q(profile__status=Profile.Status.ACTIVE) | is_member)
        .exclude(profile__status__in=(Profile.Status.PAUSED, Profile.Status.INACTIVE))
        .exclude(pk__in=applied)
        .annotate(
            is_member=ExpressionWrapper(is_member, output_field=BooleanField()),
            # (`IN ()` cannot be said in SQL: with no tag that matters, nobody has one.)
            tag_ids=ArraySubquery(through.filter(tag_id__in=wanted).values("tag_id"))
            if wanted
            else V(None, output_field=IntegerField()),
        )
        .values_list(
            "pk",
            "full_name",
            "email",
            "is_member",
            "profile__area",
            "profile__postcode",
            "profile__availability",
            "profile__max_hours_per_month",
            "tag_ids",
        )
    )
    helped = dict(
        SignUp.objects.filter(
            status=SignUp.Status.CONFIRMED,
            shift__is_cancelled=False,
            shift__ends_at__lte=timezone.now(),
            shift__task__event__organisation_id=needs.organisation_id,
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    found = []
    for pk, name, email, member, area, postcode, availability, max_hours, tag_ids in rows:
        tag_ids = tag_ids or ()
        codes = frozenset(a for a in availability or () if isinstance(a, str) and a in KNOWN_CODES)
        found.append(
            PostingCandidate(
                user_id=pk,
                name=name,
                email=email,
                skills=frozenset(skill_tags[t] for t in tag_ids if t in skill_tags),
                interests=frozenset(interest_tags[t] for t in tag_ids if t in interest_tags),
                availability=codes,
                has_availability=bool(codes),
                area=area or "",
                postcode=postcode or "",
                max_hours=max_hours,
                helped=helped.get(pk, 0),
                is_member=bool(member),
            )
        )
    return found


def rank_for_posting(posting: Posting, limit: int | None = SHOWN) -> list[Match]:
    """The best `limit` people for `posting`, best first. Suggestions only."""
    needs = posting_needs(posting)
    return rank(needs, posting_candidates(posting, needs), limit=limit)

"""Suggested volunteers for a referral, each with its reasons in plain words.

The coordinator decides; nothing here proposes or assigns anybody. It reuses the shift
matching's engine (apps.matching.shift_matching): its `Candidate`, `Reason`, `Match`,
`terms` and the words of the reasons they share (`describe`: a free day part, same
postcode, lives nearby, interested in ...), and adds what a lasting match with a citizen
asks: a shared language, how many of the citizen's times the volunteer is free at, room
under the volunteer's own limit of matches (`MatchCapacity`), experience from earlier
matches, and the programme's onboarding steps the volunteer has not done yet (they are
shown last: they cannot be proposed until the steps are done).

The pool: the programme's organisation's active members (not paused, not resting after
ending a match themself), minus whoever already has an open match with the referral or
declined it. Loaded in six queries
whatever its size: the tags, the people, their open matches, their experience, and their
onboarding (two).
"""

import gc
import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import User
from apps.citizens.models import CitizenMatch, MatchCapacity, Programme, Referral
from apps.citizens.selectors import missing_steps
from apps.matching.shift_matching import SHOWN, Candidate, Match, Reason, describe, terms
from apps.members.models import AVAILABILITY_CODES, Membership, Profile, Tag

WEIGHTS = {
    "language": 25,
    "availability": 20,
    "area": 15,
    "interests": 15,
    "capacity": 15,
    "experience": 10,
}
EXPERIENCE_FULL = 3  # this many earlier matches or more: the whole experience weight
FREE_SHOWN = 2  # at most this many "free on ..." reasons per person
KNOWN_CODES = frozenset(AVAILABILITY_CODES)
NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ReferralNeeds:
    languages: frozenset[str]  # lower-case terms
    interests: frozenset[str]
    codes: frozenset[str]  # "tue-afternoon" ...
    postcode: str
    programme_id: int


@dataclass(slots=True)
class CitizenCandidate(Candidate):
    languages: frozenset[str] = frozenset()
    capacity: int = MatchCapacity.DEFAULT
    open_matches: int = 0
    experience: int = 0  # earlier matches that became active
    missing: tuple[str, ...] = ()  # the programme's onboarding steps not done


@dataclass(slots=True)
class Suggestion:
    match: Match
    reasons: list[str]

    @property
    def candidate(self) -> CitizenCandidate:
        found = self.match.candidate
        assert isinstance(found, CitizenCandidate)
        return found

    @property
    def ready(self) -> bool:
        return not self.candidate.missing and not self.match.over_limit


def referral_needs(referral: Referral) -> ReferralNeeds:
    return ReferralNeeds(
        languages=terms(referral.languages),
        interests=terms(referral.interests),
        codes=frozenset(c for c in referral.availability or () if c in KNOWN_CODES),
        postcode=referral.postcode.strip(),
        programme_id=referral.programme_id,
    )


# --- the pure part --------------------------------------------------------------------


def score(needs: ReferralNeeds, c: CitizenCandidate) -> Match:
    total, reasons = 0.0, []

    shared_languages = sorted(needs.languages & c.languages)
    if shared_languages:
        total += WEIGHTS["language"]
        reasons.append(Reason("language", text=shared_languages[0]))

    if needs.codes:
        free = sorted(needs.codes & c.availability, key=AVAILABILITY_CODES.index)
        total += WEIGHTS["availability"] * len(free) / len(needs.codes)
        if free:
            reasons.append(Reason("overlap", len(free), len(needs.codes)))
            reasons += [Reason("free", text=code) for code in free[:FREE_SHOWN]]
        elif c.has_availability:
            reasons.append(Reason("no_overlap"))

    if needs.postcode and c.postcode == needs.postcode:
        total += WEIGHTS["area"]
        reasons.append(Reason("same_postcode"))
    elif needs.postcode[:2] and c.postcode[:2] == needs.postcode[:2]:
        total += WEIGHTS["area"] * 2 / 3
        reasons.append(Reason("nearby"))
    elif needs.postcode[:1] and c.postcode[:1] == needs.postcode[:1]:
        total += WEIGHTS["area"] / 3
        reasons.append(Reason("same_region"))

    liked = sorted(needs.interests & c.interests)
    if liked:
        total += WEIGHTS["interests"] * min(len(liked), 2) / 2
        reasons += [Reason("interest", text=name) for name in liked[:2]]

    left = c.capacity - c.open_matches
    over = left < 1
    if over:
        reasons.append(Reason("capacity_full", c.capacity))
    else:
        total += WEIGHTS["capacity"] * left / c.capacity
        reasons.append(Reason("capacity_left", left))

    if c.experience:
        total += WEIGHTS["experience"] * min(c.experience, EXPERIENCE_FULL) / EXPERIENCE_FULL
        reasons.append(Reason("experience", c.experience))

    if c.missing:
        reasons.append(Reason("missing_steps", len(c.missing)))
    return Match(c, round(total, 2), tuple(reasons), over_limit=over)


def _sort_key(match: Match) -> tuple[bool, bool, float, str, int]:
    c = match.candidate
    missing = bool(getattr(c, "missing", ()))
    return (missing or match.over_limit, missing, -match.score, c.name.lower(), c.user_id)


def _quick_key(needs: ReferralNeeds, c: CitizenCandidate) -> tuple[bool, bool, float, str, int]:
    """`_sort_key(score(needs, c))` without the reasons: the same sums in the same order
    (so the same float), for ranking thousands and explaining only the few shown."""
    total = 0.0
    if c.languages and not needs.languages.isdisjoint(c.languages):
        total += WEIGHTS["language"]
    if needs.codes:
        free = len(needs.codes & c.availability) if c.availability else 0
        total += WEIGHTS["availability"] * free / len(needs.codes)
    if needs.postcode and c.postcode == needs.postcode:
        total += WEIGHTS["area"]
    elif needs.postcode[:2] and c.postcode[:2] == needs.postcode[:2]:
        total += WEIGHTS["area"] * 2 / 3
    elif needs.postcode[:1] and c.postcode[:1] == needs.postcode[:1]:
        total += WEIGHTS["area"] / 3
    if c.interests:
        liked = len(needs.interests & c.interests)
        if liked:
            total += WEIGHTS["interests"] * min(liked, 2) / 2
    left = c.capacity - c.open_matches
    over = left < 1
    if not over:
        total += WEIGHTS["capacity"] * left / c.capacity
    if c.experience:
        total += WEIGHTS["experience"] * min(c.experience, EXPERIENCE_FULL) / EXPERIENCE_FULL
    missing = bool(c.missing)
    return (missing or over, missing, -round(total, 2), c.name.lower(), c.user_id)


def rank(
    needs: ReferralNeeds, people: Iterable[CitizenCandidate], limit: int | None = SHOWN
) -> list[Match]:
    if limit is None:
        return sorted((score(needs, c) for c in people), key=_sort_key)
    # The key alone for everybody (the user id makes each key unique, so the order is
    # total); the reasons only for those shown. Same result as scoring everyone.
    best = heapq.nsmallest(limit, ((_quick_key(needs, c), c) for c in people), key=_first)
    return [score(needs, c) for _key, c in best]


def _first(pair: tuple[tuple[bool, bool, float, str, int], CitizenCandidate]) -> Any:
    return pair[0]


def describe_reason(reason: Reason) -> str:
    """One reason in plain words, in the active language."""
    code, n = reason.code, reason.n
    if code == "language":
        return _("speaks %(language)s") % {"language": reason.text}
    if code == "overlap":
        return ngettext(
            "free at %(n)s of the %(total)s times the citizen suggested",
            "free at %(n)s of the %(total)s times the citizen suggested",
            reason.total,
        ) % {"n": n, "total": reason.total}
    if code == "no_overlap":
        return _("not free at the times the citizen suggested")
    if code == "same_region":
        return _("lives in the same part of the country")
    if code == "capacity_left":
        return ngettext("room for %(n)s more citizen", "room for %(n)s more citizens", n) % {"n": n}
    if code == "capacity_full":
        return ngettext(
            "already has the %(n)s citizen they can carry",
            "already has the %(n)s citizens they can carry",
            n,
        ) % {"n": n}
    if code == "experience":
        return ngettext(
            "has been matched with a citizen before",
            "has been matched with %(n)s citizens before",
            n,
        ) % {"n": n}
    if code == "missing_steps":
        return ngettext("%(n)s onboarding step missing", "%(n)s onboarding steps missing", n) % {
            "n": n
        }
    return describe(reason)


def describe_all(match: Match) -> list[str]:
    return [describe_reason(r) for r in match.reasons]


# --- from the database ------------------------------------------------------------------


def candidates(referral: Referral, needs: ReferralNeeds) -> list[CitizenCandidate]:
    programme: Programme = referral.programme
    wanted_tags: dict[int, tuple[str, str]] = {}
    for pk, kind, name in Tag.objects.values_list("pk", "kind", "name"):
        lower = name.lower()
        if kind == Tag.Kind.LANGUAGE and lower in needs.languages:
            wanted_tags[pk] = ("language", lower)
        elif kind == Tag.Kind.INTEREST and lower in needs.interests:
            wanted_tags[pk] = ("interest", lower)
    members = Membership.objects.filter(
        organisation_id=programme.organisation_id, status=Membership.Status.ACTIVE
    ).values("user_id")
    already = CitizenMatch.objects.filter(referral=referral).filter(
        Q(status__in=CitizenMatch.OPEN) | Q(status=CitizenMatch.Status.DECLINED)
    )
    # Whether each person is free at each of the citizen's times, asked in SQL (as the
    # shift matching does), so that no availability list travels or is parsed in Python.
    codes = sorted(needs.codes, key=AVAILABILITY_CODES.index)
    free = {
        f"free_{i}": ExpressionWrapper(
            Q(profile__availability__contains=[code]), output_field=BooleanField()
        )
        for i, code in enumerate(codes)
    }
    rows = _rows(
        User.objects.filter(is_active=True, pk__in=members)
        .exclude(profile__status__in=(Profile.Status.PAUSED, Profile.Status.INACTIVE))
        .exclude(pk__in=already.filter(volunteer__isnull=False).values("volunteer_id"))
        # A volunteer who ended a match themself waits until they ask for a new one.
        .filter(match_capacity__resting_since__isnull=True)
        .annotate(
            has_availability=ExpressionWrapper(
                ~Q(profile__availability=[]) & Q(profile__availability__isnull=False),
                output_field=BooleanField(),
            ),
            **free,
        )
        .values_list(
            "pk",
            "full_name",
            "profile__postcode",
            "has_availability",
            "match_capacity__max_matches",
            *free,
        )
    )
    ids = [row[0] for row in rows]
    # The tags that matter, by person, in one join (a correlated subquery per person cost
    # more at 10,000; `IN ()` cannot be said in SQL: with no tag that matters, no query).
    tags_of: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if wanted_tags:
        through = Profile.tags.through.objects.filter(
            tag_id__in=list(wanted_tags), profile__user_id__in=members
        )
        for user_id, tag_id in _rows(through.values_list("profile__user_id", "tag_id")):
            tags_of[user_id].append(wanted_tags[tag_id])
    # Per person, open matches and earlier ones, counted over everybody in one query (a
    # few thousand matches): cheaper than sending 10,000 ids back as parameters.
    busy: dict[int, int] = {}
    experience: dict[int, int] = {}
    counts = (
        CitizenMatch.objects.filter(volunteer__isnull=False)
        .filter(Q(status__in=CitizenMatch.OPEN) | Q(started_at__isnull=False))
        .order_by()
        .values("volunteer_id")
        .annotate(
            open=Count("pk", filter=Q(status__in=CitizenMatch.OPEN)),
            started=Count("pk", filter=Q(started_at__isnull=False)),
        )
        .values_list("volunteer_id", "open", "started")
    )
    for volunteer_id, n_open, n_started in _rows(counts):
        if n_open:
            busy[volunteer_id] = n_open
        if n_started:
            experience[volunteer_id] = n_started
    missing = missing_steps(programme=programme, user_ids=ids)
    found = []
    for row in rows:
        pk, name, postcode, has_availability, capacity = row[:5]
        # Most people share nothing with one citizen: no sets to build for them.
        tags = tags_of.get(pk, ())
        flags = row[5:]
        available = (
            frozenset(code for code, yes in zip(codes, flags, strict=True) if yes)
            if any(flags)
            else NOTHING
        )
        found.append(
            CitizenCandidate(
                user_id=pk,
                name=name,
                languages=frozenset(n for kind, n in tags if kind == "language")
                if tags
                else NOTHING,
                interests=frozenset(n for kind, n in tags if kind == "interest")
                if tags
                else NOTHING,
                availability=available,
                has_availability=bool(has_availability),
                postcode=postcode or "",
                capacity=MatchCapacity.DEFAULT if capacity is None else capacity,
                open_matches=busy.get(pk, 0),
                experience=experience.get(pk, 0),
                missing=tuple(missing.get(pk, ())),
            )
        )
    return found


def _rows(query: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows as the driver gives them, without Django's per-row converters (as the shift
    matching does: they cost more than the query at 10,000 rows; psycopg already turns
    jsonb and arrays into lists)."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading and ranking 10,000 people allocates some 100,000 short-lived objects, none
    in a cycle; the cyclic collector's passes over the whole heap while it does so cost a
    third of the time (bench/citizen_matching.py). Paused for that only, and restored
    even on an error; a cycle made meanwhile is collected at the next pass. Safe with
    threads: it is re-enabled only by the one who disabled it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def suggest(referral: Referral, limit: int | None = SHOWN) -> list[Suggestion]:
    """The best `limit` volunteers for `referral`, best first, with their reasons."""
    needs = referral_needs(referral)
    with _collector_paused():
        ranked = rank(needs, candidates(referral, needs), limit)
    return [Suggestion(m, describe_all(m)) for m in ranked]

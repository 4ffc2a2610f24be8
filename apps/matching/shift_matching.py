"""Matching suggestions: volunteers ranked for one shift, each with its reasons in words.

A coordinator decides; nothing here assigns anybody. Three layers:

* `shift_needs` reads what a shift asks for (skills, weekday and day parts in local time,
  area and postcode, the month whose limits apply, the organisation).
* `score` is pure: a `Needs` and a `Candidate` in, a `Match` (number and reasons as codes
  with their numbers) out. No database, no translation, so it is cheap for 10,000 people
  and easy to test.
* `candidates` loads everybody who could take the shift, with the tags that matter, their
  availability for the shift's day parts and their counts for the month and the
  organisation, in four queries whatever their number. `rank_candidates` scores and
  sorts; for a big pool it first lets SQL order people by the points a profile alone
  gives and scores only the best few hundred, falling back to everybody when that cannot
  prove the list (see there). `describe` turns reasons into words, in the active
  language, for the few that are shown.

Skills: `Task.skills` is free text; its comma- (or semicolon-) separated terms are matched,
case-insensitively, against the names of a person's skill and language tags. Interests
match the event's category or a word of the task's or event's title.
"""

import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.db.models.lookups import Exact
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import User
from apps.members.models import WEEKDAYS, Membership, Profile, Tag
from apps.shifts.models import Shift, SignUp

# How much each part counts; the total of a perfect match is 100.
WEIGHTS = {"skills": 40, "availability": 20, "area": 15, "interests": 10, "headroom": 10}
HISTORY_WEIGHT = 5
HISTORY_FULL = 5  # helped this many times or more: the whole history weight
SHOWN = 20
PREFILTER = 400  # loaded by the fast path of `rank_candidates`
EXTRA_POINTS = WEIGHTS["headroom"] + HISTORY_WEIGHT  # the points SQL does not count

# Day parts by the local hour a shift covers: before noon, before five, the rest.
MORNING_ENDS, AFTERNOON_ENDS = 12, 17


def day_part(hour: int) -> str:
    if hour < MORNING_ENDS:
        return "morning"
    if hour < AFTERNOON_ENDS:
        return "afternoon"
    return "evening"


def terms(text: str) -> frozenset[str]:
    """`"First aid, English; cash register"` → {"first aid", "english", "cash register"}."""
    return frozenset(t for t in (p.strip().lower() for p in re.split(r"[,;\n]", text)) if t)


def words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", text.lower()) if len(w) > 2)


# --- the pure part --------------------------------------------------------------------


@dataclass(frozen=True)
class Needs:
    """What one shift asks for."""

    skills: frozenset[str]  # lower-case terms
    interest_words: frozenset[str]  # the category's name and the titles' words, lower-case
    weekday: str  # "tue"
    parts: tuple[str, ...]  # the day parts the shift covers, in order: ("morning",)
    area: str  # lower-case, may be ""
    postcode: str
    hours: float  # the shift's length
    month: date  # first day of the month whose limits apply
    organisation_id: int = 0

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f"{self.weekday}-{part}" for part in self.parts)

    @property
    def month_text(self) -> str:
        return self.month.isoformat()


@dataclass(slots=True)
class Candidate:
    """One person as the scoring sees them; the counts are for `Needs.month`."""

    user_id: int
    name: str
    skills: frozenset[str] = frozenset()  # lower-case names of skill and language tags
    interests: frozenset[str] = frozenset()  # lower-case names of interest tags
    availability: frozenset[str] = frozenset()  # "tue-evening" codes
    # Has said when they are free at all (`availability` may hold only the codes that bear
    # on one shift, see `candidates`).
    has_availability: bool = False
    area: str = ""
    postcode: str = ""
    max_shifts: int | None = None
    max_hours: int | None = None
    month_shifts: int = 0
    month_hours: float = 0.0
    helped: int = 0  # past confirmed shifts for this organisation
    is_member: bool = False


class Reason(NamedTuple):
    """A reason as a code and its numbers; `describe` puts it into words."""

    code: str
    n: int = 0
    total: int = 0
    text: str = ""  # a weekday-daypart code, a month's first day as ISO, a tag name


@dataclass(slots=True)
class Match:
    candidate: Candidate
    score: float
    reasons: tuple[Reason, ...] = field(default=())
    over_limit: bool = False  # this shift would take them past their own monthly limit

    @property
    def sort_key(self) -> tuple[bool, float, int, str, int]:
        # Within their own limits first; best first; among equals, whoever has done least
        # this month, then by name.
        c = self.candidate
        return (self.over_limit, -self.score, c.month_shifts, c.name.lower(), c.user_id)


def score(needs: Needs, c: Candidate) -> Match:
    """How well `c` fits `needs`, from 0 to 100, with the reasons."""
    total, reasons = 0.0, []

    if needs.skills:
        have = len(needs.skills & c.skills)
        total += WEIGHTS["skills"] * have / len(needs.skills)
        if have:
            reasons.append(Reason("skills", have, len(needs.skills)))

    if needs.parts and (c.availability or c.has_availability):
        codes = needs.codes
        free = [code for code in codes if code in c.availability]
        total += WEIGHTS["availability"] * len(free) / len(codes)
        reasons += [Reason("free", text=code) for code in free]
        if not free:
            reasons.append(Reason("not_free", text=codes[0]))

    if needs.area and c.area.lower() == needs.area:
        total += WEIGHTS["area"]
        reasons.append(Reason("same_area"))
    elif needs.postcode and c.postcode == needs.postcode:
        total += WEIGHTS["area"]
        reasons.append(Reason("same_postcode"))
    elif needs.postcode[:2] and c.postcode[:2] == needs.postcode[:2]:
        total += WEIGHTS["area"] / 2
        reasons.append(Reason("nearby"))

    liked = sorted(c.interests & needs.interest_words)
    if liked:
        total += WEIGHTS["interests"]
        reasons.append(Reason("interest", text=liked[0]))

    room = _headroom(needs, c, reasons)
    total += max(room, 0)

    if c.helped:
        total += HISTORY_WEIGHT * min(c.helped, HISTORY_FULL) / HISTORY_FULL
        reasons.append(Reason("helped", c.helped))

    return Match(c, round(total, 2), tuple(reasons), over_limit=room < 0)


def _headroom(needs: Needs, c: Candidate, reasons: list[Reason]) -> float:
    """Points for room left under the person's own monthly limits, this shift included;
    -1 when the shift would take them past a limit."""
    month = needs.month_text
    fractions = []
    if c.max_shifts is not None:
        left = c.max_shifts - c.month_shifts
        if left < 1:
            reasons.append(Reason("limit_reached", text=month))
            return -1
        fractions.append(left / c.max_shifts if c.max_shifts else 0)
        reasons.append(Reason("shifts_left", left, text=month))
    if c.max_hours is not None:
        left_hours = c.max_hours - c.month_hours
        if left_hours < needs.hours:
            reasons.append(Reason("limit_reached", text=month))
            return -1
        fractions.append(left_hours / c.max_hours if c.max_hours else 0)
        if c.max_shifts is None:
            reasons.append(Reason("hours_left", int(left_hours), text=month))
    if not fractions:
        return WEIGHTS["headroom"] / 2  # no limits given: neither room nor a worry
    return WEIGHTS["headroom"] * min(fractions)


def rank(needs: Needs, people: Iterable[Candidate], limit: int | None = SHOWN) -> list[Match]:
    matches = (score(needs, c) for c in people)
    if limit is None:
        return sorted(matches, key=_sort_key)
    return heapq.nsmallest(limit, matches, key=_sort_key)


def _sort_key(match: Match) -> tuple[bool, float, int, str, int]:
    return match.sort_key


# --- words ------------------------------------------------------------------------------


def _free_on(code: str) -> str:
    day, part = code.split("-")
    phrases = {
        "mon-morning": _("free on Monday mornings"),
        "mon-afternoon": _("free on Monday afternoons"),
        "mon-evening": _("free on Monday evenings"),
        "tue-morning": _("free on Tuesday mornings"),
        "tue-afternoon": _("free on Tuesday afternoons"),
        "tue-evening": _("free on Tuesday evenings"),
        "wed-morning": _("free on Wednesday mornings"),
        "wed-afternoon": _("free on Wednesday afternoons"),
        "wed-evening": _("free on Wednesday evenings"),
        "thu-morning": _("free on Thursday mornings"),
        "thu-afternoon": _("free on Thursday afternoons"),
        "thu-evening": _("free on Thursday evenings"),
        "fri-morning": _("free on Friday mornings"),
        "fri-afternoon": _("free on Friday afternoons"),
        "fri-evening": _("free on Friday evenings"),
        "sat-morning": _("free on Saturday mornings"),
        "sat-afternoon": _("free on Saturday afternoons"),
        "sat-evening": _("free on Saturday evenings"),
        "sun-morning": _("free on Sunday mornings"),
        "sun-afternoon": _("free on Sunday afternoons"),
        "sun-evening": _("free on Sunday evenings"),
    }
    return phrases[f"{day}-{part}"]


def _month_name(iso: str) -> str:
    return formats.date_format(date.fromisoformat(iso), "F")


def describe(reason: Reason) -> str:
    """One reason in words, in the active language."""
    code, n = reason.code, reason.n
    if code == "skills":
        return ngettext("%(n)s of %(total)s skill", "%(n)s of %(total)s skills", reason.total) % {
            "n": n,
            "total": reason.total,
        }
    if code == "free":
        return _free_on(reason.text)
    if code == "not_free":
        return _("not usually free then")
    if code == "same_area":
        return _("same area")
    if code == "same_postcode":
        return _("same postcode")
    if code == "nearby":
        return _("lives nearby")
    if code == "interest":
        return _("interested in %(interest)s") % {"interest": reason.text}
    if code == "shifts_left":
        return ngettext("%(n)s shift left in %(month)s", "%(n)s shifts left in %(month)s", n) % {
            "n": n,
            "month": _month_name(reason.text),
        }
    if code == "hours_left":
        return ngettext("%(n)s hour left in %(month)s", "%(n)s hours left in %(month)s", n) % {
            "n": n,
            "month": _month_name(reason.text),
        }
    if code == "limit_reached":
        return _("has reached their own limit for %(month)s") % {"month": _month_name(reason.text)}
    if code == "helped":
        return ngettext("has helped here once", "has helped here %(n)s times", n) % {"n": n}
    raise ValueError(code)


def describe_all(match: Match) -> list[str]:
    return [describe(r) for r in match.reasons]


# --- from the database ------------------------------------------------------------------


def shift_needs(shift: Shift) -> Needs:
    """The needs of `shift` (with its task, event and category loaded by the caller)."""
    task, event = shift.task, shift.task.event
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    parts: list[str] = []
    moment = start
    last = end - timedelta(minutes=1)  # a shift ending at 12:00 is a morning shift
    while moment <= last and moment.date() == start.date():
        part = day_part(moment.hour)
        if part not in parts:
            parts.append(part)
        moment = (moment + timedelta(hours=1)).replace(minute=0)
    category = event.category.name.lower() if event.category_id and event.category else ""
    interest = words(task.title) | words(event.title) | ({category} if category else set())
    return Needs(
        skills=terms(task.skills),
        interest_words=frozenset(interest),
        weekday=WEEKDAYS[start.weekday()],
        parts=tuple(parts) or (day_part(start.hour),),
        area=event.area.strip().lower(),
        postcode=event.postcode.strip(),
        hours=(shift.ends_at - shift.starts_at).total_seconds() / 3600,
        month=start.date().replace(day=1),
        organisation_id=event.organisation_id,
    )


def _month_bounds(first: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime(first.year, first.month, 1, tzinfo=zone)
    following = datetime(first.year + first.month // 12, first.month % 12 + 1, 1, tzinfo=zone)
    return start, following


def pool(shift: Shift, needs: Needs, *, everyone: bool = False) -> QuerySet[User]:
    """Who could take the shift: the organisation's active members (or, when `everyone`,
    every active volunteer of the tenant too), not paused, not already on the shift or its
    waitlist, and not busy with another shift at the same time.

    The exclusions are `NOT IN` small subqueries (the people of the few overlapping shifts)
    rather than correlated `NOT EXISTS`, which the planner answered by hashing every sign-up.
    """
    members = Membership.objects.filter(
        organisation_id=needs.organisation_id, status=Membership.Status.ACTIVE
    ).values("user_id")
    on_shift = SignUp.objects.filter(shift=shift, status__in=SignUp.ACTIVE).values("user_id")
    busy = SignUp.objects.filter(
        status__in=(SignUp.Status.CONFIRMED, SignUp.Status.OFFERED),
        shift__starts_at__lt=shift.ends_at,
        shift__ends_at__gt=shift.starts_at,
        shift__is_cancelled=False,
    ).values("user_id")
    is_member = Q(pk__in=members)
    people = User.objects.filter(is_active=True)
    if everyone:
        people = people.filter(Q(profile__status=Profile.Status.ACTIVE) | is_member)
    else:
        people = people.filter(is_member)
    return (
        people.exclude(profile__status__in=(Profile.Status.PAUSED, Profile.Status.INACTIVE))
        .exclude(pk__in=on_shift)
        .exclude(pk__in=busy)
        .annotate(
            is_member=(
                ExpressionWrapper(is_member, output_field=BooleanField())
                if everyone
                else Value(True)
            )
        )
    )


def candidates(
    shift: Shift, needs: Needs, *, everyone: bool = False, now: datetime | None = None
) -> list[Candidate]:
    """Everyone in the pool with their profile, tags and counts, in four queries whatever
    their number: the tags, the people (with their tag ids as an array), the month's shifts
    per person, and the history here per person."""
    return _load(shift, needs, everyone=everyone, now=now)[0]


def _load(
    shift: Shift,
    needs: Needs,
    *,
    everyone: bool = False,
    now: datetime | None = None,
    best: int | None = None,
) -> tuple[list[Candidate], float]:
    """The candidates, or (`best`) only the `best` of them by the part of the score that
    SQL can tell from the profile alone; and the lowest such part among those loaded."""
    now = now or timezone.now()
    # Tags are few: one small query. A candidate carries only the tags that bear on these
    # needs (the rest cannot change the score), which keeps 10,000 of them cheap to build.
    skill_tags: dict[int, str] = {}
    interest_tags: dict[int, str] = {}
    for pk, kind, name in Tag.objects.values_list("pk", "kind", "name"):
        if kind == Tag.Kind.INTEREST and name.lower() in needs.interest_words:
            interest_tags[pk] = name.lower()
        elif kind != Tag.Kind.INTEREST and name.lower() in needs.skills:
            skill_tags[pk] = name.lower()
    through = Profile.tags.through.objects.filter(profile_id=OuterRef("profile__pk")).order_by()
    codes = list(needs.codes)
    # Whether each person is free for each day part of the shift, asked in SQL, so that no
    # availability list travels or is parsed in Python.
    free = {
        f"free_{i}": ExpressionWrapper(
            Q(profile__availability__contains=[code]), output_field=BooleanField()
        )
        for i, code in enumerate(codes)
    }
    people = pool(shift, needs, everyone=everyone).annotate(
        # (`IN ()` cannot be said in SQL: with no tag that matters, nobody has one.)
        tag_ids=ArraySubquery(
            through.filter(tag_id__in=[*skill_tags, *interest_tags]).values("tag_id")
        )
        if skill_tags or interest_tags
        else Value(None, output_field=IntegerField()),
        has_availability=ExpressionWrapper(
            ~Q(profile__availability=[]) & Q(profile__availability__isnull=False),
            output_field=BooleanField(),
        ),
        **free,
        partial=_profile_points(needs, through, skill_tags, interest_tags, codes)
        if best
        else Value(0.0, output_field=FloatField()),
    )
    if best:
        people = people.order_by(F("partial").desc(), "pk")[:best]
    rows = _rows(
        people.values_list(
            "pk",
            "full_name",
            "has_availability",
            "profile__area",
            "profile__postcode",
            "profile__max_shifts_per_month",
            "profile__max_hours_per_month",
            "tag_ids",
            "is_member",
            "partial",
            *free,
        )
    )
    lowest = float(min((row[9] for row in rows), default=0.0))
    ids = [row[0] for row in rows] if best else None
    month, helped = _counts(needs, now, ids)
    loaded = [_candidate(row, codes, skill_tags, interest_tags, month, helped) for row in rows]
    return loaded, lowest


def _profile_points(
    needs: Needs,
    through: QuerySet[Any, Any],
    skill_tags: dict[int, str],
    interest_tags: dict[int, str],
    codes: list[str],
) -> Any:
    """`score`'s skills, availability, area and interest points, in SQL; it leaves out the
    headroom and history points (at most EXTRA_POINTS), which need the counts."""
    points: Any = Value(0.0, output_field=FloatField())
    if needs.skills and skill_tags:
        have = Subquery(
            through.filter(tag_id__in=list(skill_tags))
            .values("profile_id")
            .annotate(n=Count(Lower("tag__name"), distinct=True))
            .values("n")
        )
        points += Coalesce(have, 0) * Value(WEIGHTS["skills"] / len(needs.skills))
    if codes:
        each = WEIGHTS["availability"] / len(codes)
        for code in codes:
            points += Case(
                When(Q(profile__availability__contains=[code]), then=Value(each)),
                default=Value(0.0),
            )
    area = []
    if needs.area:
        area.append(
            When(Exact(Lower("profile__area"), needs.area), then=Value(float(WEIGHTS["area"])))
        )
    if needs.postcode:
        area.append(When(Q(profile__postcode=needs.postcode), then=Value(float(WEIGHTS["area"]))))
    if needs.postcode[:2]:
        area.append(
            When(
                Q(profile__postcode__startswith=needs.postcode[:2]),
                then=Value(WEIGHTS["area"] / 2),
            )
        )
    if area:
        points += Case(*area, default=Value(0.0))
    if interest_tags:
        points += Case(
            When(
                Exists(through.filter(tag_id__in=list(interest_tags))),
                then=Value(float(WEIGHTS["interests"])),
            ),
            default=Value(0.0),
        )
    return ExpressionWrapper(points, output_field=FloatField())


def _counts(
    needs: Needs, now: datetime, ids: list[int] | None
) -> tuple[dict[int, tuple[int, timedelta | None]], dict[int, int]]:
    """Per person: confirmed shifts and their time in the shift's month; past confirmed
    shifts for the organisation. For `ids` only, when given."""
    month_start, month_end = _month_bounds(needs.month)
    confirmed = SignUp.objects.filter(
        status=SignUp.Status.CONFIRMED, shift__is_cancelled=False
    ).order_by()
    if ids is not None:
        confirmed = confirmed.filter(user_id__in=ids or [0])
    length = ExpressionWrapper(
        F("shift__ends_at") - F("shift__starts_at"), output_field=DurationField()
    )
    month = {
        user_id: (n, time)
        for user_id, n, time in _rows(
            confirmed.filter(shift__starts_at__gte=month_start, shift__starts_at__lt=month_end)
            .values("user_id")
            .annotate(n=Count("pk"), time=Sum(length))
            .values_list("user_id", "n", "time")
        )
    }
    helped: dict[int, int] = dict(
        _rows(
            confirmed.filter(
                shift__ends_at__lte=now, shift__task__event__organisation_id=needs.organisation_id
            )
            .values("user_id")
            .annotate(n=Count("pk"))
            .values_list("user_id", "n")
        )
    )
    return month, helped


def _rows(query: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows as the driver gives them, without Django's per-row converters (which cost
    a third of the time at 10,000 rows; none of these columns needs one)."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _candidate(
    row: Sequence[Any],
    codes: list[str],
    skill_tags: dict[int, str],
    interest_tags: dict[int, str],
    month: dict[int, tuple[int, timedelta | None]],
    helped: dict[int, int],
) -> Candidate:
    (pk, name, has_availability, area, postcode, max_shifts, max_hours, tag_ids, is_member) = row[
        :9
    ]
    availability = frozenset(code for code, free in zip(codes, row[10:], strict=True) if free)
    tag_ids = tag_ids or ()
    skills = frozenset(skill_tags[t] for t in tag_ids if t in skill_tags)
    interests = frozenset(interest_tags[t] for t in tag_ids if t in interest_tags)
    month_shifts, month_time = month.get(pk, (0, None))
    return Candidate(
        user_id=pk,
        name=name,
        skills=skills,
        interests=interests,
        availability=availability,
        has_availability=bool(has_availability),
        area=area or "",
        postcode=postcode or "",
        max_shifts=max_shifts,
        max_hours=max_hours,
        month_shifts=month_shifts,
        month_hours=month_time.total_seconds() / 3600 if month_time else 0.0,
        helped=helped.get(pk, 0),
        is_member=is_member,
    )


def rank_candidates(
    shift: Shift, *, everyone: bool = False, limit: int | None = SHOWN, prefilter: int = PREFILTER
) -> list[Match]:
    """The best `limit` people for `shift`, best first. Suggestions only.

    Fast path: SQL orders the pool by the points it can tell from the profile and loads
    only the best `prefilter`; `score` ranks those. Whoever was left out scored at most the
    lowest loaded profile points plus EXTRA_POINTS, so when the `limit`-th match (within
    its limits) beats that, nobody left out could have made the list. Otherwise (rare: a
    pool where the profile tells little) everybody is loaded and scored.
    """
    needs = shift_needs(shift)
    if limit is not None and prefilter:
        people, lowest = _load(shift, needs, everyone=everyone, best=prefilter)
        matches = rank(needs, people, limit=limit)
        if len(people) < prefilter:
            return matches  # that was everybody
        if (
            len(matches) == limit
            and not matches[-1].over_limit
            and matches[-1].score > lowest + EXTRA_POINTS + 0.01
        ):
            return matches
    return rank(needs, candidates(shift, needs, everyone=everyone), limit=limit)

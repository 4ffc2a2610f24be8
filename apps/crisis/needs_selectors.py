"""Reads of the needs board: the open needs with how full they are, and triage.

Triage ranks the crisis's helpers for one need by skill, area and time, each reason in
plain words. It reuses the shift matching's engine (apps.matching.shift_matching): its
`Candidate`, `Reason`, `Match` and the words of the reasons they share (`describe`: "1 of
2 skills", "same postcode", "lives nearby"), as apps.citizens does, and adds what a crisis
helper has: skills from the short list (named in the reason), postcode areas (same
postcode; the same first two digits, "lives nearby"; the same first digit, "same part of
the country" — Danish postcodes are numbered by region, so their prefixes are the area
measure the product already uses) and the four times of the public form (right away,
weekdays daytime, weekday evenings, weekends) against the need's own time.

Speed: one query loads every helper not yet invited (five columns, no joins besides the
NOT EXISTS on invitations); scoring is a sum of set sizes per helper and the best
`limit` are kept with a heap, so only those get their reasons. tests/apps/crisis/needs keeps
the query count; bench figures are in the module's tests' note (5,000 helpers).
"""

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.crisis.models import Availability, Crisis, Helper, Invite, Need, Skill
from apps.matching.shift_matching import Candidate, Match, Reason, describe

WEIGHTS = {"skills": 50, "area": 30, "time": 20}
SHOWN = 20
NOW_HOURS = 24  # a need starting within this many hours wants helpers free "right away"
EVENING_FROM = 17  # local hour: a weekday need reaching past it is an evening need
WEEKEND = (5, 6)  # Saturday, Sunday


# --- the board ---------------------------------------------------------------------------


def active_crisis() -> Crisis | None:
    return Crisis.objects.filter(ended_at__isnull=True).select_related("organisation").first()


def needs_board(*, crisis: Crisis) -> QuerySet[Need]:
    """The crisis's open needs, soonest first, each with `accepted` (invitations answered
    yes), `invited` (waiting for an answer) and `filled` (accepted plus the shift's
    confirmed sign-ups). One query whatever their number."""
    return (
        Need.objects.filter(crisis=crisis, closed_at__isnull=True)
        .select_related("shift")
        .annotate(
            accepted=Count("invites", filter=Q(invites__status=Invite.Status.ACCEPTED)),
            invited=Count("invites", filter=Q(invites__status=Invite.Status.INVITED)),
        )
        .order_by("starts_at", "pk")
    )


def filled(need: Need) -> int:
    """Accepted invitations plus members' confirmed sign-ups (needs `accepted` annotated)."""
    signed_up = need.shift.confirmed_count if need.shift is not None else 0
    return int(getattr(need, "accepted", 0)) + signed_up


def need_invites(*, need: Need) -> QuerySet[Invite]:
    return Invite.objects.filter(need=need).select_related("helper").order_by("invited_at", "pk")


# --- triage: the pure part --------------------------------------------------------------


@dataclass(frozen=True)
class NeedWants:
    skills: frozenset[str]
    postcode: str
    times: frozenset[str]  # Availability values the need's time falls in


@dataclass(slots=True)
class HelperCandidate(Candidate):
    """A crisis helper as the engine sees them (`user_id` holds the helper's id: helpers
    have no account)."""

    phone: str = ""
    email: str = ""


def need_wants(need: Need, now: datetime | None = None) -> NeedWants:
    return NeedWants(
        skills=frozenset(need.skills or ()),
        postcode=need.postcode.strip(),
        times=need_times(need.starts_at, need.ends_at, now or timezone.now()),
    )


def need_times(starts_at: datetime, ends_at: datetime, now: datetime) -> frozenset[str]:
    """Which of the form's times the need falls in, in the tenant's local time."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    times = set()
    if start - now <= timedelta(hours=NOW_HOURS):
        times.add(Availability.NOW.value)
    day, last = start, end - timedelta(minutes=1)
    while day.date() <= last.date():
        if day.weekday() in WEEKEND:
            times.add(Availability.WEEKEND.value)
        else:
            first_hour = start.hour if day.date() == start.date() else 0
            last_hour = last.hour if day.date() == last.date() else 23
            if first_hour < EVENING_FROM:
                times.add(Availability.WEEKDAY_DAY.value)
            if last_hour >= EVENING_FROM:
                times.add(Availability.WEEKDAY_EVENING.value)
        if len(times) == 4:
            break
        day = (day + timedelta(days=1)).replace(hour=0, minute=0)
    return frozenset(times)


def _area(wants: NeedWants, postcode: str) -> tuple[float, str]:
    if not wants.postcode or not postcode:
        return 0.0, ""
    if postcode == wants.postcode:
        return WEIGHTS["area"], "same_postcode"
    if postcode[:2] == wants.postcode[:2]:
        return WEIGHTS["area"] * 2 / 3, "nearby"
    if postcode[:1] == wants.postcode[:1]:
        return WEIGHTS["area"] / 3, "same_region"
    return 0.0, ""


def _skill_points(wants: NeedWants, have: int) -> float:
    """Half the weight for any skill asked for (a need's skills are often covered by
    different people), the other half by the share of them."""
    if not have:
        return 0.0
    return WEIGHTS["skills"] * (0.5 + 0.5 * have / len(wants.skills))


def quick_score(wants: NeedWants, postcode: str, skills: list[str], times: list[str]) -> float:
    """`score(...).score` from a helper's raw columns, without the reasons (same sums, same
    order, same float): thousands are ranked without making an object for each."""
    total = 0.0
    if wants.skills and skills:
        total += _skill_points(wants, len(wants.skills.intersection(skills)))
    total += _area(wants, postcode)[0]
    if wants.times and times:
        total += WEIGHTS["time"] * len(wants.times.intersection(times)) / len(wants.times)
    return round(total, 2)


def score(wants: NeedWants, c: HelperCandidate) -> Match:
    total, reasons = 0.0, []
    if wants.skills:
        have = wants.skills & c.skills
        total += _skill_points(wants, len(have))
        if have:
            reasons.append(Reason("skills", len(have), len(wants.skills)))
            reasons += [Reason("skill", text=s) for s in sorted(have)]
        else:
            reasons.append(Reason("no_skill"))
    points, code = _area(wants, c.postcode)
    total += points
    reasons.append(Reason(code or "far", text=c.postcode))
    if wants.times:
        free = wants.times & c.availability
        total += WEIGHTS["time"] * len(free) / len(wants.times)
        order = list(Availability.values)
        reasons += [Reason("time", text=t) for t in sorted(free, key=order.index)]
        if not free:
            reasons.append(Reason("not_then"))
    return Match(c, round(total, 2), tuple(reasons))


Row = tuple[int, str, str, list[str], list[str], str, str]  # Helper's columns, as loaded


def rank(wants: NeedWants, rows: Iterable[Row], limit: int = SHOWN) -> list[Match]:
    """The best `limit` rows (by score, then name and id), each scored with its reasons."""

    def key(row: Row) -> tuple[float, str, int]:
        return (-quick_score(wants, row[2], row[3], row[4]), row[1].lower(), row[0])

    return [score(wants, candidate(row)) for row in heapq.nsmallest(limit, rows, key=key)]


def candidate(row: Row) -> HelperCandidate:
    pk, name, postcode, skills, availability, phone, email = row
    return HelperCandidate(
        user_id=pk,
        name=name,
        postcode=postcode,
        skills=frozenset(skills),
        availability=frozenset(availability),
        phone=phone,
        email=email,
    )


# --- words ------------------------------------------------------------------------------


def explain(reason: Reason) -> str:
    """One reason in words, in the active language."""
    if reason.code == "skill":
        return _("can help with: %(skill)s") % {"skill": Skill(reason.text).label}
    if reason.code == "no_skill":
        return _("none of the skills asked for")
    if reason.code == "same_region":
        return _("same part of the country")
    if reason.code == "far":
        return _("lives further away (%(postcode)s)") % {"postcode": reason.text}
    if reason.code == "time":
        return {
            Availability.NOW: _("can come right away"),
            Availability.WEEKDAY_DAY: _("free on weekdays in the daytime"),
            Availability.WEEKDAY_EVENING: _("free on weekday evenings"),
            Availability.WEEKEND: _("free at weekends"),
        }[Availability(reason.text)]
    if reason.code == "not_then":
        return _("has not said they are free then")
    if reason.code == "skills":
        return ngettext(
            "has %(n)s of the %(total)s skill asked for",
            "has %(n)s of the %(total)s skills asked for",
            reason.total,
        ) % {"n": reason.n, "total": reason.total}
    return describe(reason)  # shared with shift matching: same postcode, lives nearby


@dataclass(slots=True)
class Suggestion:
    helper_id: int
    name: str
    postcode: str
    phone: bool
    email: bool
    score: float
    reasons: list[str]


def need_suggestions(*, need: Need, limit: int = SHOWN) -> list[Suggestion]:
    """The crisis's helpers not invited to `need` yet, best first, with their reasons.

    One query (the need is given, with its skills and time)."""
    wants = need_wants(need)
    invited = Invite.objects.filter(need_id=need.pk, helper_id=OuterRef("pk"))
    rows = (
        Helper.objects.filter(crisis_id=need.crisis_id)
        .exclude(Exists(invited))
        .values_list("pk", "name", "postcode", "skills", "availability", "phone", "email")
        .order_by()
    )
    return [
        Suggestion(
            helper_id=m.candidate.user_id,
            name=m.candidate.name,
            postcode=m.candidate.postcode,
            phone=bool(getattr(m.candidate, "phone", "")),
            email=bool(getattr(m.candidate, "email", "")),
            score=m.score,
            reasons=[explain(r) for r in m.reasons],
        )
        for m in rank(wants, rows, limit)
    ]

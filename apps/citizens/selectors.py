"""Reads of citizen matching. Who may see what:

* a programme's coordinators (the organisation's admins and coordinators, and the
  system owner's admins, as everywhere) see its referrals and matches;
* the special-category text only through services.referrals.special_category_read, and only
  for people who hold a coordinating role in the programme's own organisation;
* a referrer (OrganisationRole "referrer") sees the referral form and nothing else;
* a volunteer sees their own proposals and matches, with what `volunteer_view` gives.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, QuerySet

from apps.accounts.models import User
from apps.citizens.models import (
    CheckIn,
    CitizenMatch,
    Concern,
    MatchCapacity,
    MatchEvaluation,
    MatchEvaluationResponse,
    MatchEvaluationScore,
    Programme,
    Referral,
)
from apps.members.forms import AVAILABILITY_CHOICES
from apps.organisations.models import Organisation, OrganisationRole
from apps.organisations.selectors import COORDINATING_ROLES
from apps.recruitment.models import Onboarding, RecordCheck
from apps.shifts.models import SignUp

Step = Programme.Step
MANY = 200  # more people than this: read the organisation's whole checklist instead


def is_referrer(*, user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return OrganisationRole.objects.filter(user=user, role=OrganisationRole.Role.REFERRER).exists()


def referring_body(*, user: User) -> str:
    """The organisation a referrer refers for (the first, by name), for the record."""
    role = (
        OrganisationRole.objects.filter(user=user, role=OrganisationRole.Role.REFERRER)
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )
    return role.organisation.name if role else ""


def may_read_special_category(*, user: User, programme: Programme) -> bool:
    """Only a coordinating role in the programme's own organisation: need to know, so not
    the system owner's admins as such (they coordinate everywhere else)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return OrganisationRole.objects.filter(
        user=user, organisation_id=programme.organisation_id, role__in=COORDINATING_ROLES
    ).exists()


def open_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(is_open=True).select_related("organisation")


def programmes_of(*, organisations: list[Organisation]) -> QuerySet[Programme]:
    return Programme.objects.filter(organisation__in=organisations).select_related("organisation")


def referrals_for_coordinators(*, organisations: list[Organisation]) -> list[Referral]:
    """The open referrals of these organisations' programmes, oldest first, each with its
    open match (if any) as `open_match`: two queries whatever their number."""
    referrals = list(
        Referral.objects.filter(
            programme__organisation__in=organisations, status__in=Referral.OPEN
        ).select_related("programme__organisation")
    )
    matches = CitizenMatch.objects.filter(
        referral__in=referrals, status__in=CitizenMatch.OPEN
    ).select_related("volunteer")
    by_referral = {match.referral_id: match for match in matches}
    for referral in referrals:
        referral.open_match = by_referral.get(referral.pk)  # type: ignore[attr-defined]
    return referrals


def open_match(*, referral: Referral) -> CitizenMatch | None:
    return (
        CitizenMatch.objects.filter(referral=referral, status__in=CitizenMatch.OPEN)
        .select_related("volunteer", "meeting_planned_by")
        .first()
    )


def matches_of_volunteer(*, user: User) -> QuerySet[CitizenMatch]:
    return CitizenMatch.objects.filter(volunteer=user).select_related("referral__programme")


def open_match_counts(*, user_ids: list[int] | None = None) -> dict[int, int]:
    """Per volunteer: their open matches (proposed to active), which count against capacity."""
    rows = CitizenMatch.objects.filter(status__in=CitizenMatch.OPEN, volunteer__isnull=False)
    if user_ids is not None:
        rows = rows.filter(volunteer_id__in=user_ids or [0])
    counts: dict[int, int] = defaultdict(int)
    for volunteer_id in rows.values_list("volunteer_id", flat=True):
        counts[volunteer_id] += 1
    return dict(counts)


def missing_steps(*, programme: Programme, user_ids: list[int]) -> dict[int, list[str]]:
    """Per person: the programme's required onboarding steps they have not done in its
    organisation (recruitment's checklist), in two queries. For many people it reads the
    organisation's whole checklist rather than send thousands of ids as parameters."""
    required = list(programme.required_steps)
    if not required:
        return {pk: [] for pk in user_ids}
    done: dict[int, set[str]] = defaultdict(set)
    onboardings = Onboarding.objects.filter(organisation_id=programme.organisation_id)
    checks = RecordCheck.objects.filter(
        onboarding__organisation_id=programme.organisation_id, status=RecordCheck.Status.OK
    )
    if len(user_ids) <= MANY:
        onboardings = onboardings.filter(user_id__in=user_ids or [0])
        checks = checks.filter(onboarding__user_id__in=user_ids or [0])
    rows = onboardings.values_list(
        "pk",
        "user_id",
        "agreement_accepted_on",
        "confidentiality_accepted_on",
        "introduction_done_on",
    )
    owner: dict[int, int] = {}
    for pk, user_id, agreement, confidentiality, introduction in rows:
        owner[pk] = user_id
        for step, when in (
            (Step.AGREEMENT, agreement),
            (Step.CONFIDENTIALITY, confidentiality),
            (Step.INTRODUCTION, introduction),
        ):
            if when:
                done[user_id].add(step)
    step_of: dict[str, str] = {
        RecordCheck.Kind.CRIMINAL_RECORD: Step.CRIMINAL_RECORD,
        RecordCheck.Kind.CHILD_PROTECTION: Step.CHILD_PROTECTION,
    }
    for onboarding_id, kind in checks.values_list("onboarding_id", "kind"):
        done[owner[onboarding_id]].add(step_of[kind])
    return {pk: [step for step in required if step not in done[pk]] for pk in user_ids}


@dataclass(frozen=True)
class VolunteerView:
    """What a volunteer is shown of a citizen: never the note, the special-category text,
    who referred them or the legal basis."""

    first_name: str
    age_band: str
    area: str
    languages: str
    interests: str
    practical_needs: str
    availability: list[str]
    programme: str
    organisation: str


def volunteer_view(*, referral: Referral) -> VolunteerView:
    labels = dict(AVAILABILITY_CHOICES)
    return VolunteerView(
        first_name=referral.first_name,
        age_band=referral.get_age_band_display(),
        area=referral.area,
        languages=referral.languages,
        interests=referral.interests,
        practical_needs=referral.practical_needs,
        availability=[str(labels[c]) for c in referral.availability or () if c in labels],
        programme=referral.programme.name,
        organisation=referral.programme.organisation.name,
    )


# --- follow-up ---------------------------------------------------------------------------

DUE_SOON = timedelta(days=7)


def checkins_due(*, organisations: list[Organisation], today: date) -> list[CheckIn]:
    """Check-ins not yet logged of these organisations' active matches, due within a week
    or overdue (`is_overdue`), oldest first: one query."""
    rows = list(
        CheckIn.objects.filter(
            match__referral__programme__organisation__in=organisations,
            match__status=CitizenMatch.Status.ACTIVE,
            done_at__isnull=True,
            due_on__lte=today + DUE_SOON,
        ).select_related("match__referral__programme", "match__volunteer")
    )
    for row in rows:
        row.is_overdue = row.due_on < today  # type: ignore[attr-defined]
    return rows


def checkins_of(*, match: CitizenMatch) -> list[CheckIn]:
    return list(CheckIn.objects.filter(match=match).select_related("done_by"))


def concerns_of(*, match: CitizenMatch) -> list[Concern]:
    return list(Concern.objects.filter(match=match).select_related("raised_by"))


# --- the burnout guard ---------------------------------------------------------------------

SHIFTS_AHEAD = timedelta(days=30)


@dataclass(frozen=True)
class Workload:
    """A volunteer's load set against their own stated limit (MatchCapacity)."""

    active_matches: int
    shifts: int  # confirmed shifts starting in the next 30 days
    limit: int

    @property
    def over(self) -> bool:
        return self.active_matches > self.limit


def workloads(*, user_ids: list[int], now: datetime) -> dict[int, Workload]:
    """Per person: three queries, whatever their number (the suggestion list shows a few);
    none for nobody (a referral that is not waiting has no suggestions)."""
    if not user_ids:
        return {}
    ids = list(user_ids)
    active: dict[int, int] = dict(
        CitizenMatch.objects.filter(volunteer_id__in=ids, status=CitizenMatch.Status.ACTIVE)
        .order_by()
        .values("volunteer_id")
        .annotate(n=Count("pk"))
        .values_list("volunteer_id", "n")
    )
    shifts: dict[int, int] = dict(
        SignUp.objects.filter(
            user_id__in=ids,
            status=SignUp.Status.CONFIRMED,
            shift__starts_at__gte=now,
            shift__starts_at__lt=now + SHIFTS_AHEAD,
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    limits: dict[int, int] = dict(
        MatchCapacity.objects.filter(user_id__in=ids).values_list("user_id", "max_matches")
    )
    return {
        pk: Workload(
            active_matches=active.get(pk, 0),
            shifts=shifts.get(pk, 0),
            limit=limits.get(pk, MatchCapacity.DEFAULT),
        )
        for pk in user_ids
    }


# --- evaluations of ended matches (for the funders' report) -------------------------------


@dataclass(frozen=True)
class QuestionScores:
    question: str
    answers: int
    mean: float | None  # 1 to 5, rounded to two decimals; None without answers


@dataclass(frozen=True)
class SideScores:
    """The anonymous scores of one side ("volunteer" or "citizen") of a programme."""

    side: str
    responses: int  # evaluations answered
    answers: int  # scale answers, over every question
    mean: float | None  # over every scale answer
    distribution: dict[int, int]  # 1..5 → how many answers
    questions: list[QuestionScores]


def match_evaluation_scores(
    *, programme: Programme, period: tuple[date | None, date | None] = (None, None)
) -> dict[str, SideScores]:
    """Scores of the evaluations of the programme's ended matches, per side, for matches
    that ended within `period` (first and last day, both included; None: open-ended),
    in two queries. Anonymous by construction (no person, match or time below the month
    is stored); suppressing small numbers ("<3") is the report's job."""
    starts_on, ends_on = period
    responses = MatchEvaluationResponse.objects.filter(programme=programme)
    if starts_on is not None:
        responses = responses.filter(month__gte=starts_on.replace(day=1))
    if ends_on is not None:
        responses = responses.filter(month__lte=ends_on)
    answered: dict[str, int] = dict(
        responses.order_by().values("side").annotate(n=Count("pk")).values_list("side", "n")
    )
    rows = (
        MatchEvaluationScore.objects.filter(response__in=responses)
        .order_by()
        .values("response__side", "question__position", "question_id", "question__text", "scale")
        .annotate(n=Count("pk"))
    )
    by_side: dict[str, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    texts: dict[int, tuple[int, str]] = {}
    for row in rows:
        texts[row["question_id"]] = (row["question__position"], row["question__text"])
        by_side[row["response__side"]][row["question_id"]][row["scale"]] = row["n"]
    result = {}
    for side in MatchEvaluation.Side.values:
        per_question = by_side.get(side, {})
        distribution = dict.fromkeys(range(1, 6), 0)
        questions = []
        for question_id in sorted(per_question, key=lambda pk: (texts[pk][0], pk)):
            counts = per_question[question_id]
            n = sum(counts.values())
            total = sum(value * count for value, count in counts.items())
            questions.append(QuestionScores(texts[question_id][1], n, round(total / n, 2)))
            for value, count in counts.items():
                distribution[value] += count
        n_all = sum(distribution.values())
        total_all = sum(value * count for value, count in distribution.items())
        result[side] = SideScores(
            side=side,
            responses=answered.get(side, 0),
            answers=n_all,
            mean=round(total_all / n_all, 2) if n_all else None,
            distribution=distribution,
            questions=questions,
        )
    return result


def evaluations_waiting_for_citizen(*, referral: Referral) -> list[MatchEvaluation]:
    """The citizen's unanswered evaluations of the referral's ended matches (normally one)."""
    return list(
        MatchEvaluation.objects.filter(
            match__referral=referral,
            side=MatchEvaluation.Side.CITIZEN,
            answered_at__isnull=True,
        ).select_related("match__volunteer")
    )


def evaluation_of_volunteer(*, match: CitizenMatch) -> MatchEvaluation | None:
    return MatchEvaluation.objects.filter(match=match, side=MatchEvaluation.Side.VOLUNTEER).first()

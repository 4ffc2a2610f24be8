"""Volunteers matched with citizens who need one (issue 15): programmes ("indsatser"),
referrals ("henvisninger") of a citizen into one, and the matches a coordinator makes.

Data about the citizen is kept to what a match needs: a first name or alias, an age band,
a postcode, languages, interests, practical needs, availability and a note. Health or
other special-category information (GDPR article 9) has one field only,
`Referral.special_category`, which holds a Fernet token (apps/citizens/crypto.py) and is
read through `services.referrals.special_category_read` alone: coordinators of the
programme's organisation, every read audited.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation


def default_checkin_months() -> list[int]:
    return [1, 3, 6]


class Programme(models.Model):
    """An "indsats": besøgsven, mentor, IT-hjælp ... owned by one organisation."""

    class Step(models.TextChoices):
        """The recruitment onboarding checklist's steps a volunteer must have done
        (apps.recruitment.models.Onboarding and RecordCheck) before being proposed."""

        AGREEMENT = "agreement", _("Collaboration agreement accepted")
        CONFIDENTIALITY = "confidentiality", _("Confidentiality declaration accepted")
        INTRODUCTION = "introduction", _("Introduction done")
        CRIMINAL_RECORD = "criminal", _("Criminal-record check OK")
        CHILD_PROTECTION = "child", _("Child-protection check OK")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required_steps = ArrayField(
        models.CharField(max_length=20, choices=Step), default=list, blank=True
    )
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    grant_starts_on = models.DateField(_("grant period starts"), null=True, blank=True)
    grant_ends_on = models.DateField(_("grant period ends"), null=True, blank=True)
    is_open = models.BooleanField(_("open for referrals"), default=True)
    # Citizens may refer themselves through the public form (views_public.py).
    allows_self_referral = models.BooleanField(_("citizens may refer themselves"), default=False)
    # Asked of both sides when an active match ends (evaluations.py); made on first need.
    evaluation_questionnaire = models.ForeignKey(
        "evaluations.Questionnaire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Follow-up check-ins, months after a match became active (the organisation's choice).
    checkin_months = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("follow-up check-ins (months after the start)"),
        default=default_checkin_months,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grant_ends_on__isnull=True)
                | Q(grant_starts_on__isnull=True)
                | Q(grant_ends_on__gte=models.F("grant_starts_on")),
                name="programme_grant_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    class AgeBand(models.TextChoices):
        CHILD = "0-17", _("Under 18")
        YOUNG = "18-29", _("18–29")
        ADULT = "30-49", _("30–49")
        MIDDLE = "50-66", _("50–66")
        OLDER = "67-79", _("67–79")
        ELDERLY = "80+", _("80 or older")

    class Source(models.TextChoices):
        PROFESSIONAL = "professional", _("A professional")
        SELF = "self", _("The citizen")
        COORDINATOR = "coordinator", _("A coordinator")

    class Basis(models.TextChoices):
        CONSENT = "consent", _("The citizen's explicit consent")
        PUBLIC_TASK = "public_task", _("The referring authority's legal basis")

    class Status(models.TextChoices):
        NEW = "new", _("Waiting for a match")
        PROPOSED = "proposed", _("Proposed to a volunteer")
        MEETING = "meeting", _("First meeting planned")
        ACTIVE = "active", _("Active match")
        ENDED = "ended", _("Ended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="referrals")
    first_name = models.CharField(_("first name or alias"), max_length=80)
    age_band = models.CharField(_("age"), max_length=5, choices=AgeBand)
    postcode = models.CharField(_("postcode"), max_length=4)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    interests = models.CharField(_("wishes and interests"), max_length=300, blank=True)
    practical_needs = models.CharField(_("practical needs"), max_length=300, blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    # Only a citizen who refers themself gives one: how the coordinator reaches them.
    contact = models.CharField(_("phone or e-mail"), max_length=200, blank=True)
    # A Fernet token, never the text (crypto.py); "" when nothing special-category is known.
    special_category = models.TextField(blank=True, editable=False)
    basis = models.CharField(_("legal basis"), max_length=12, choices=Basis)
    basis_note = models.CharField(_("the legal basis as stated"), max_length=300, blank=True)
    basis_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    basis_recorded_at = models.DateTimeField()
    source = models.CharField(max_length=12, choices=Source)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referring_body = models.CharField(_("referring body"), max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # When retention deleted its personal data (apps.citizens.services.retention): what is
    # left (programme, age band, source, basis, status, dates, matches) is anonymous.
    scrubbed_at = models.DateTimeField(null=True, blank=True)

    OPEN = (Status.NEW, Status.PROPOSED, Status.MEETING, Status.ACTIVE)
    CLOSED = (Status.ENDED, Status.WITHDRAWN)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^[0-9]{4}$") | Q(scrubbed_at__isnull=False),
                name="referral_danish_postcode",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["ended", "withdrawn"]) | Q(ended_at__isnull=False),
                name="referral_ended_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} · {self.programme}"

    @property
    def area(self) -> str:
        """What a volunteer is told of where the citizen lives: the postcode, no more."""
        return self.postcode

    @property
    def has_special_category(self) -> bool:
        return bool(self.special_category)


class MatchCapacity(models.Model):
    """How many citizens a volunteer can carry at once (their own word). Without a row a
    volunteer carries DEFAULT."""

    DEFAULT = 1

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_capacity"
    )
    max_matches = models.PositiveSmallIntegerField(_("how many citizens at once"))
    # Set when the volunteer ended a match themself: they are not suggested or proposed
    # again until they say on their page that they are ready (issue 15, item 4).
    resting_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(max_matches__lte=10), name="match_capacity_at_most_ten"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.max_matches}"


class CitizenMatch(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted by the volunteer")
        DECLINED = "declined", _("Declined by the volunteer")
        MEETING_PLANNED = "meeting_planned", _("First meeting planned")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    class EndReason(models.TextChoices):
        NOT_A_FIT = "not_a_fit", _("Not a good fit after the first meeting")
        GOAL_REACHED = "goal_reached", _("The goal was reached")
        CITIZEN_STOPPED = "citizen_stopped", _("The citizen stopped")
        VOLUNTEER_STOPPED = "volunteer_stopped", _("The volunteer stopped")
        MOVED = "moved", _("Moved away")
        HEALTH = "health", _("Illness or death")
        OTHER = "other", _("Other")

    class Side(models.TextChoices):
        VOLUNTEER = "volunteer", _("The volunteer")
        CITIZEN = "citizen", _("The citizen")
        COORDINATOR = "coordinator", _("The coordinator")

    # A referral has at most one of these at a time; a volunteer's count against capacity.
    OPEN = (Status.PROPOSED, Status.ACCEPTED, Status.MEETING_PLANNED, Status.ACTIVE)

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="matches")
    # SET_NULL: a volunteer's erasure keeps the match for the funder's counts.
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.PROPOSED, db_index=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    meeting_at = models.DateTimeField(_("first meeting"), null=True, blank=True)
    meeting_place = models.CharField(_("place"), max_length=200, blank=True)
    meeting_planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    volunteer_confirmed_at = models.DateTimeField(null=True, blank=True)
    citizen_confirmed_at = models.DateTimeField(null=True, blank=True)
    citizen_confirmed_via = models.CharField(max_length=12, blank=True)  # coordinator | link
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason, blank=True)
    ended_by = models.CharField(max_length=12, choices=Side, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status__in=["proposed", "accepted", "meeting_planned", "active"]),
                name="one_open_match_per_referral",
            ),
            models.CheckConstraint(
                condition=~Q(status="meeting_planned") | Q(meeting_at__isnull=False),
                name="citizen_match_meeting_has_a_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="active")
                | Q(
                    volunteer_confirmed_at__isnull=False,
                    citizen_confirmed_at__isnull=False,
                    started_at__isnull=False,
                ),
                name="citizen_match_active_after_both_said_yes",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | (Q(ended_at__isnull=False) & ~Q(end_reason="")),
                name="citizen_match_ended_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral} ↔ {self.volunteer} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class CheckIn(models.Model):
    """A follow-up of an active match, due a set number of months after it started
    (Programme.checkin_months); a coordinator logs it with a short note."""

    match = models.ForeignKey(CitizenMatch, on_delete=models.CASCADE, related_name="checkins")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField(db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["match", "due_on"], name="one_checkin_per_match_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.match_id} @ {self.due_on}"


class Concern(models.Model):
    """A volunteer's worry about their match, raised at any time; the programme's
    coordinators are mailed at once."""

    match = models.ForeignKey(CitizenMatch, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField()
    text = models.CharField(_("what worries you"), max_length=1000)

    class Meta:
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"{self.match_id}: {self.text[:40]}"


class MatchEvaluation(models.Model):
    """One side's short evaluation of an active match that ended: asked of the volunteer
    (on their page) and of the citizen (through the coordinator or a signed link). It
    records only that it was asked and answered; the answers are in
    MatchEvaluationResponse, with nothing that leads back here."""

    class Side(models.TextChoices):
        VOLUNTEER = "volunteer", _("The volunteer")
        CITIZEN = "citizen", _("The citizen")

    match = models.ForeignKey(CitizenMatch, on_delete=models.CASCADE, related_name="evaluations")
    side = models.CharField(max_length=10, choices=Side)
    questionnaire = models.ForeignKey(
        "evaluations.Questionnaire", on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_via = models.CharField(max_length=12, blank=True)  # own | coordinator | link

    class Meta:
        ordering = ["asked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["match", "side"], name="one_evaluation_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.match_id} · {self.side}"


class MatchEvaluationResponse(models.Model):
    """Anonymous answers of one side: the programme, the side and the month the match
    ended, nothing else (random keys, no time, no link to the match or the person)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="evaluation_responses"
    )
    side = models.CharField(max_length=10, choices=MatchEvaluation.Side)
    questionnaire = models.ForeignKey(
        "evaluations.Questionnaire", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField()  # the first day of the month the match ended

    class Meta:
        ordering = ["month"]  # never by id or time: the order must mean nothing

    def __str__(self) -> str:
        return f"{self.programme_id} · {self.side} · {self.month:%Y-%m}"


class MatchEvaluationScore(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        MatchEvaluationResponse, on_delete=models.CASCADE, related_name="scores"
    )
    question = models.ForeignKey("evaluations.Question", on_delete=models.CASCADE, related_name="+")
    scale = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["question_id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_score_per_question"),
            models.CheckConstraint(
                condition=Q(scale__gte=1, scale__lte=5), name="match_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.scale}"

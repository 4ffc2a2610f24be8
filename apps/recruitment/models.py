"""Recruitment for ongoing roles (the municipal model: prepare → recruit → match and
interview → collaborate → follow up).

A posting collects applications; each application moves through a pipeline and every move
is logged (from, to, who, when). From the agreement stage on, an onboarding checklist
follows the person; it is tied to the membership once they become active.

A criminal-record or child-protection check is kept as status, date and who checked —
never the certificate itself and never a CPR number: there are no fields for them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation


class RecruitmentSettings(models.Model):
    """One row per tenant schema (pk 1): the system owner's recruitment policy."""

    check_renewal_months = models.PositiveSmallIntegerField(
        _("renew criminal-record checks after (months)"), default=24
    )
    trial_months = models.PositiveSmallIntegerField(_("trial period (months)"), default=3)

    class Meta:
        verbose_name = _("recruitment settings")
        verbose_name_plural = _("recruitment settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(check_renewal_months__gte=12, check_renewal_months__lte=24),
                name="recruitment_renewal_12_to_24_months",
            ),
            models.CheckConstraint(
                condition=Q(trial_months__gte=1, trial_months__lte=12),
                name="recruitment_trial_1_to_12_months",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Recruitment settings"))

    @classmethod
    def load(cls) -> "RecruitmentSettings":
        return cls.objects.get_or_create(pk=1)[0]


class AgreementTemplate(models.Model):
    """The tenant's collaboration agreement. Merge fields: {{name}}, {{organisation}},
    {{start}}, {{contact}}; nothing else is interpreted."""

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="agreement_templates",
        help_text=_("Empty: the system owner's template for every organisation."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Posting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="postings"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    skills = models.CharField(_("skills wanted"), max_length=300, blank=True)
    hours_per_month = models.PositiveSmallIntegerField(_("hours a month"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact person"),
    )
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("apply by"), null=True, blank=True)
    needs_criminal_record_check = models.BooleanField(
        _("needs a criminal-record check"), default=False
    )
    needs_child_check = models.BooleanField(_("needs a child-protection check"), default=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="posting_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Application(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        SCREENING = "screening", _("Screening")
        INTERVIEW = "interview", _("Interview")
        AGREEMENT = "agreement", _("Agreement")
        TRIAL = "trial", _("Trial period")
        ACTIVE = "active", _("Active volunteer")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN = (
        Status.RECEIVED,
        Status.SCREENING,
        Status.INTERVIEW,
        Status.AGREEMENT,
        Status.TRIAL,
    )

    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="applications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.RECEIVED, db_index=True)
    motivation = models.TextField(_("why you would like to help"))
    skills = models.TextField(_("skills and experience"), blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    consented_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    membership = models.ForeignKey(
        "members.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "user"],
                condition=Q(
                    status__in=["received", "screening", "interview", "agreement", "trial"]
                ),
                name="one_open_application_per_posting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.posting}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ApplicationEvent(models.Model):
    """One move in the pipeline: from, to, who and when (the first row has no `from`)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=Application.Status, blank=True)
    to_status = models.CharField(max_length=10, choices=Application.Status)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status or '-'} → {self.to_status}"


class Interview(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    note = models.TextField(_("message to the applicant"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    invitation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="interview_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.starts_at:%Y-%m-%d %H:%M}"


class Onboarding(models.Model):
    """The checklist of one volunteer in one organisation.

    Opened when an application reaches the agreement stage; tied to the membership when the
    person becomes active (a member without an application can have one too).
    """

    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="onboarding"
    )
    membership = models.OneToOneField(
        "members.Membership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="onboarding",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="onboardings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="onboardings"
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_on = models.DateField(_("start"))
    agreement_text = models.TextField(_("collaboration agreement"), blank=True)
    agreement_accepted_on = models.DateField(_("agreement accepted"), null=True, blank=True)
    confidentiality_accepted_on = models.DateField(
        _("confidentiality declaration accepted"), null=True, blank=True
    )
    introduction_done_on = models.DateField(_("introduction done"), null=True, blank=True)
    trial_ends_on = models.DateField(_("trial period ends"), null=True, blank=True)
    trial_reminder_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"


class RecordCheck(models.Model):
    """A criminal-record or child-protection check: status, date, who checked. Nothing else."""

    class Kind(models.TextChoices):
        CRIMINAL_RECORD = "criminal", _("Criminal-record check")
        CHILD_PROTECTION = "child", _("Child-protection check")

    class Status(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Not needed")
        REQUESTED = "requested", _("Requested")
        OK = "ok", _("OK")
        EXPIRED = "expired", _("Expired")

    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=10, choices=Kind)
    status = models.CharField(
        max_length=10, choices=Status, default=Status.NOT_NEEDED, db_index=True
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # checked_on + the tenant's renewal months, fixed when the check is recorded.
    valid_until = models.DateField(null=True, blank=True, db_index=True)
    # The valid_until the renewal reminder went out for: one reminder per check.
    reminder_sent_for = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["onboarding", "kind"], name="one_check_of_each_kind")
        ]

    def __str__(self) -> str:
        return f"{self.onboarding}: {self.get_kind_display()} {self.get_status_display()}"


class StatusMeeting(models.Model):
    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("held on"))
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.onboarding} {self.held_on}"

"""The member register: volunteers' profiles, their memberships of organisations, and the
notes coordinators keep on them (visible only inside the organisation that wrote them)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_PARTS = ["morning", "afternoon", "evening"]
# Availability is a set of "weekday-daypart" codes, e.g. {"tue-evening", "sat-morning"}.
AVAILABILITY_CODES = [f"{day}-{part}" for day in WEEKDAYS for part in DAY_PARTS]


class Tag(models.Model):
    """Skills, interests and languages: each tenant names its own."""

    class Kind(models.TextChoices):
        SKILL = "skill", _("Skill")
        INTEREST = "interest", _("Interest")
        LANGUAGE = "language", _("Language")

    kind = models.CharField(max_length=10, choices=Kind)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="tag_name_once")]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    class Status(models.TextChoices):
        FOLLOWER = "follower", _("Follower")
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        INACTIVE = "inactive", _("Inactive")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.FOLLOWER, db_index=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True, db_index=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="profiles")
    availability = models.JSONField(_("availability"), default=list, blank=True)
    max_shifts_per_month = models.PositiveSmallIntegerField(
        _("most shifts a month"), null=True, blank=True
    )
    max_hours_per_month = models.PositiveSmallIntegerField(
        _("most hours a month"), null=True, blank=True
    )
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=200, blank=True)
    emergency_contact_phone = models.CharField(_("emergency phone"), max_length=30, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.user)


class Membership(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    started_on = models.DateField(_("member since"))
    # The last day of the membership (status ended); billing counts a member as active in
    # every month the membership touched, the month it ended in included.
    ended_on = models.DateField(_("member until"), null=True, blank=True)
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_each")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"


class MemberNote(models.Model):
    """A coordinator's note on a member; only that organisation's coordinators read it."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.membership}: {self.text[:40]}"


class MembershipRequest(models.Model):
    """Someone signed in asks to become a member, from a members-only event's page; one of
    the organisation's coordinators approves (which makes the membership) or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership_requests"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="membership_requests"
    )
    # The event the person wanted to see, to send them back to it once approved.
    event = models.ForeignKey(
        "shifts.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("message to the coordinators"), blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(status="pending"),
                name="one_pending_membership_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.status})"


class ImportJob(models.Model):
    """One file of volunteers being imported in the background (apps.members.tasks).

    The upload page checks the file and stores it; a Celery task writes it chunk by chunk,
    each chunk in its own transaction together with the counters below, so the page can
    show progress and a rerun of the task carries on after the last chunk it committed.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    # The uploaded file, as normalised CSV in the tenant's storage; deleted when done.
    path = models.CharField(max_length=255, blank=True)
    mapping = models.JSONField(default=dict)  # field → column index, as the preview chose
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    joined = models.PositiveIntegerField(default=0)
    already_members = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # The first rows in error ([line, [messages]]), for the page; all of them are in the
    # downloadable report (`error_report`, a CSV in the tenant's storage).
    errors = models.JSONField(default=list)
    error_report = models.CharField(max_length=255, blank=True)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.organisation} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return 100 if not self.rows_total else min(100, self.rows_done * 100 // self.rows_total)

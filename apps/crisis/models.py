"""Crisis mode (krisetilstand): a period in which a tenant takes helpers without accounts
through one public form, posts needs that become shifts, and invites helpers to them.

A helper registers once per crisis: a second registration with the same phone or email is
merged into the first (the partial unique constraints make that the database's job). When
the crisis ends, helpers who did not take an account are deleted after `stand_down_days`.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.shifts.models import Shift


class Skill(models.TextChoices):
    """The short list on the public form: what a coordinator triages by."""

    PRACTICAL = "practical", _("Practical help, lifting and carrying")
    DRIVING = "driving", _("Driving (I have a licence)")
    FIRST_AID = "first_aid", _("First aid")
    CARE = "care", _("Care, comfort and company")
    CHILDREN = "children", _("Activities with children")
    COOKING = "cooking", _("Cooking and serving food")
    LANGUAGES = "languages", _("Interpreting (languages other than Danish)")
    ADMIN = "admin", _("Admin, IT and phones")


class Availability(models.TextChoices):
    NOW = "now", _("Right away")
    WEEKDAY_DAY = "weekday_day", _("Weekdays, daytime")
    WEEKDAY_EVENING = "weekday_evening", _("Weekdays, evenings")
    WEEKEND = "weekend", _("Weekends")


def _token() -> str:
    return secrets.token_urlsafe(24)


class Crisis(models.Model):
    """One period of crisis mode; at most one is active (ended_at is null) at a time."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="crises"
    )  # the organisation whose events hold the needs' shifts
    title = models.CharField(_("title"), max_length=200)
    public_text = models.TextField(_("text on the public page"), blank=True)
    stand_down_days = models.PositiveSmallIntegerField(
        _("days before helpers without an account are deleted"), default=30
    )
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the stand-down deleted the helpers who did not take an account.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ended_at"], condition=Q(ended_at__isnull=True), name="one_active_crisis"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class Helper(models.Model):
    """Someone who said "I want to help" on the public form, without an account."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="helpers")
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # normalised: +45…
    email = models.EmailField(_("email"), blank=True)  # lower-cased
    postcode = models.CharField(_("postcode"), max_length=4)
    skills = ArrayField(models.CharField(max_length=20, choices=Skill), default=list, blank=True)
    availability = ArrayField(
        models.CharField(max_length=20, choices=Availability), default=list, blank=True
    )
    consent_at = models.DateTimeField()
    registrations = models.PositiveIntegerField(default=1)  # > 1: merged duplicates
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The link in the stand-down mail that turns the helper into a normal account.
    account_token = models.CharField(max_length=64, default=_token, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""), name="helper_has_phone_or_email"
            ),
            models.UniqueConstraint(
                fields=["crisis", "phone"], condition=~Q(phone=""), name="one_helper_per_phone"
            ),
            models.UniqueConstraint(
                fields=["crisis", "email"], condition=~Q(email=""), name="one_helper_per_email"
            ),
        ]
        indexes = [models.Index(fields=["crisis", "postcode"])]

    def __str__(self) -> str:
        return self.name

    @property
    def skill_labels(self) -> list[str]:
        return [str(Skill(value).label) for value in self.skills if value in Skill.values]

    @property
    def availability_labels(self) -> list[str]:
        return [
            str(Availability(value).label)
            for value in self.availability
            if value in Availability.values
        ]


class Need(models.Model):
    """What a coordinator needs (what, where, when, how many); it becomes a shift."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="needs")
    title = models.CharField(_("what"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    place = models.CharField(_("where"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    wanted = models.PositiveIntegerField(_("how many"))
    skills = ArrayField(models.CharField(max_length=20, choices=Skill), default=list, blank=True)
    shift = models.OneToOneField(
        Shift, null=True, blank=True, on_delete=models.SET_NULL, related_name="crisis_need"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title


class Invite(models.Model):
    """A helper asked to come to a need; answered from the link in the SMS or mail."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Coming")
        DECLINED = "declined", _("Not coming")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="invites")
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="invites")
    token = models.CharField(max_length=64, default=_token, unique=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "helper"], name="one_invite_per_need")
        ]

    def __str__(self) -> str:
        return f"{self.need_id} → {self.helper_id} ({self.status})"

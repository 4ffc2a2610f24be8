"""Events → tasks → shifts, and sign-ups with their waitlist.

Capacity is guarded twice: services lock the shift row while they count, and the database
refuses a row where confirmed plus offered places exceed the capacity.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.organisations.models import Organisation


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members only")
        SECRET = "secret", _("Only with the link")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="events")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    image = models.ImageField(_("image"), upload_to="events/", blank=True)
    # What the image shows, for people who cannot see it; empty: it only decorates.
    image_alt = models.CharField(_("image description"), max_length=250, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL)
    location_name = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True, db_index=True)
    area = models.CharField(_("area"), max_length=100, blank=True, db_index=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.PUBLIC)
    secret_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    suitable_without_experience = models.BooleanField(
        _("suitable without experience"), default=True
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # None follows the tenant's default (Tenant.reminder_hours); 0 sends no reminders.
    reminder_hours = models.PositiveSmallIntegerField(
        _("remind volunteers hours before (empty = the site's default)"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "visibility", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what to do"), blank=True)
    meeting_point = models.CharField(_("meeting point"), max_length=200, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    skills = models.CharField(_("skills needed"), max_length=300, blank=True)
    needs_child_check = models.BooleanField(_("needs a child-protection check"), default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Shift(models.Model):
    class Policy(models.TextChoices):
        PROMOTE = "promote", _("Give the place to the first in line")
        OFFER = "offer", _("Offer the place to the first in line for a limited time")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    signup_deadline = models.DateTimeField(_("sign-up deadline"), null=True, blank=True)
    waitlist_policy = models.CharField(max_length=10, choices=Policy, default=Policy.PROMOTE)
    offer_hours = models.PositiveSmallIntegerField(_("hours to accept an offer"), default=12)
    is_cancelled = models.BooleanField(default=False)
    # Kept by the services under the shift's row lock, so lists need no counting.
    confirmed_count = models.PositiveIntegerField(default=0)
    offered_count = models.PositiveIntegerField(default=0)
    waitlist_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=F("capacity") - F("offered_count")),
                name="shift_never_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - self.confirmed_count - self.offered_count)


class SignUp(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Signed up")
        WAITLISTED = "waitlisted", _("On the waitlist")
        OFFERED = "offered", _("Offered a place")
        CANCELLED = "cancelled", pgettext_lazy("sign-up status", "Cancelled")
        DECLINED = "declined", _("Offer declined")
        EXPIRED = "expired", _("Offer expired")
        REMOVED = "removed", _("Removed by a coordinator")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED)

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signups"
    )
    status = models.CharField(max_length=12, choices=Status, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The place in line is the time one joined it (ties broken by id).
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    is_late = models.BooleanField(default=False)
    # The volunteer said yes although it passes the workload they chose; coordinators see it.
    over_workload = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["waitlisted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "user"],
                condition=Q(status__in=["confirmed", "waitlisted", "offered"]),
                name="one_active_signup_per_shift",
            )
        ]
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["shift", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.shift} ({self.status})"

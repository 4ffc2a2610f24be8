"""Who came to a shift (fremmøde): one row per sign-up, with the hours that count."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.shifts.models import SignUp


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        NO_SHOW = "no_show", _("No-show")

    signup = models.OneToOneField(SignUp, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status, db_index=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    hours = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    correction_reason = models.CharField(max_length=500, blank=True)
    # The correction goes beyond the shift's length plus the tenant's margin, on purpose.
    # A default in the database too: SQL writers (data fixes, the reports bench) leave it out.
    hours_override = models.BooleanField(default=False, db_default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.signup} {self.status}"


class OfflineTick(models.Model):
    """A roll-call tick made on a device without network, sent later (attendance.offline),
    or a volunteer's check-in by the code queued on their phone (offline_check_in; then
    `made_by` is the volunteer and `status` what the check-in made).

    The client's own id is unique: a batch sent twice (the answer lost on a bad line)
    applies each once. `made_at` is when the coordinator or volunteer tapped, on the device."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Saved")
        UNCHANGED = "unchanged", _("Already so")
        CONFLICT = "conflict", _("Changed later by someone else")
        REFUSED = "refused", _("Refused")

    client_id = models.UUIDField(unique=True)
    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="offline_ticks")
    status = models.CharField(max_length=10, choices=Attendance.Status)
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=Outcome)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.client_id} {self.status} {self.outcome}"

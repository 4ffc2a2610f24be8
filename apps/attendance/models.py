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

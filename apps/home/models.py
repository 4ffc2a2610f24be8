"""What a person's home page remembers about them: that they put the set-up checklist away,
and when they last opened each group (posts after that are new to them).

Groups have no read state of their own; a visit to a group's page records the moment here
(apps.groups.signals.group_viewed, connected to services.group_seen in HomeConfig.ready)."""

from django.conf import settings
from django.db import models


class HomeState(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="home_state"
    )
    # A system-owner admin who put the set-up checklist away sees the month's figures.
    checklist_dismissed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"home of {self.user_id}"


class GroupVisit(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="home_group_visit_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.group_id} at {self.seen_at:%Y-%m-%d %H:%M}"

"""The audit log: who did what to which record, kept in the schema the record lives in."""

from django.db import models


class AuditEvent(models.Model):
    # A label, not a foreign key: the log outlives the accounts it names.
    actor = models.CharField(max_length=254, blank=True)
    # The actor's user id when the actor was a person (the label is a snapshot): erasure
    # finds their rows by it and replaces the label.
    actor_id = models.IntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action}"

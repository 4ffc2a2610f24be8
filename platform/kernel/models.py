"""The kernel's one table: tasks that could not be handed to the broker."""

from django.db import models


class PendingTask(models.Model):
    """A task whose sending failed because the broker (Redis) was unreachable.

    `kernel.tasks.enqueue_on_commit` writes it after the caller's transaction has
    committed, instead of raising into the request; the beat's `send_pending_tasks` sends
    it once the broker answers again and deletes it in the same transaction. It lives in
    the public schema only (kernel is a shared app), so one sweep serves every tenant; the
    schema the task was sent from is kept with it and re-entered when it is sent.
    """

    schema_name = models.CharField(max_length=63)
    task = models.CharField(max_length=200)  # the registered Celery task name
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)  # failed sends by the sweep
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} in {self.schema_name}"


class TenantDue(models.Model):
    """When a tenant next has periodic work of one kind (offers expiring, scheduled
    messages ...): the beat's dispatchers send a task only to tenants whose time has come.

    Public schema (kernel is a shared app), one row per tenant and kind, kept by
    tenants.due: the tenant's own writes move `due_at` earlier (never later), the tenant's
    task stores its next time after each run. A missing row means "due now" (a new tenant,
    or one whose state is unknown). The tenant is named by id, not by a foreign key: the
    kernel sits below the tenant registry and imports none of it.
    """

    tenant_id = models.BigIntegerField()
    kind = models.CharField(max_length=40)
    due_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "kind"], name="kernel_tenantdue_unique")
        ]
        indexes = [models.Index(fields=["kind", "due_at"], name="kernel_tenantdue_kind_due")]

    def __str__(self) -> str:
        return f"{self.kind} of tenant {self.tenant_id} at {self.due_at:%Y-%m-%d %H:%M}"

"""The console's periodic work: its list's counts."""

from celery import shared_task

from console.services import tenant_stats_refresh_all


@shared_task(ignore_result=True, needs_tenant=False)  # type: ignore[call-overload]
def refresh_tenant_stats() -> int:
    """Beat runs this in public every 15 minutes; safe to run twice (it overwrites)."""
    return tenant_stats_refresh_all()

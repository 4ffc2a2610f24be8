"""Adapters: each runs in the schema it was sent from, calls one service, and is safe twice."""

from celery import shared_task

from apps.legal.services import standard_versions_publish
from tenants.selectors import current_tenant


@shared_task
def publish_standard_versions() -> int:
    """Version 1 from the standard texts for a document that has none yet (new tenants get
    them at provisioning; this is for a tenant restored from an old backup, or by hand)."""
    return len(standard_versions_publish(tenant=current_tenant()))

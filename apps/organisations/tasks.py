from celery import shared_task
from django_tenants.utils import tenant_context

from apps.organisations.services import digest_recipients, digest_send


@shared_task
def send_digest(user_id: int) -> int:
    return digest_send(user_id=user_id)


@shared_task
def send_digests() -> int:
    """One task per follower, so one bad address does not hold up the rest."""
    recipients = digest_recipients()
    for user_id in recipients:
        send_digest.delay(user_id)
    return len(recipients)


@shared_task(needs_tenant=False, ignore_result=True)  # type: ignore[call-overload]
def dispatch_digests() -> None:
    from tenants.models import Tenant
    from tenants.selectors import HIDDEN_SCHEMAS

    open_tenants = Tenant.objects.exclude(schema_name__in=HIDDEN_SCHEMAS).exclude(
        status__in=(Tenant.Status.SUSPENDED, Tenant.Status.ARCHIVED)
    )
    for tenant in open_tenants:
        with tenant_context(tenant):
            send_digests.delay()

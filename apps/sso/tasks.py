import logging

from celery import shared_task

from apps.sso import oidc
from apps.sso.models import Provider

logger = logging.getLogger(__name__)


@shared_task
def provider_metadata_warm(provider_id: int) -> str:
    """After the console saves a provider: fetch its discovery document into the cache, so
    the first person to press its button does not wait, and a wrong issuer URL shows up in
    the log at once rather than at someone's sign-in."""
    provider = Provider.objects.filter(pk=provider_id, is_enabled=True).first()
    if provider is None:
        return "gone"
    try:
        oidc.metadata(provider.issuer)
    except oidc.OidcError as exc:
        logger.warning("sso provider %s: %s", provider.slug, exc)
        return exc.reason
    return "ok"

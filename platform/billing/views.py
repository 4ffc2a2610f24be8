"""Stripe's webhook endpoint on the public host (config/urls_public.py)."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.stripe_events import stripe_event_store
from billing.stripe_sync import event_verify

logger = logging.getLogger(__name__)


@csrf_exempt  # Stripe signs its requests (Stripe-Signature) instead; no cookie, no token
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Check Stripe's signature, keep the event once, answer at once; a Celery task handles
    it after the commit. A wrong or stale signature: 400 and nothing kept."""
    try:
        event = event_verify(request.body, request.headers.get("Stripe-Signature", ""))
    except ValueError as exc:
        logger.warning("Stripe webhook refused: %s", exc)
        return HttpResponseBadRequest("invalid signature")
    if not event.get("id"):
        return HttpResponseBadRequest("no event id")
    stripe_event_store(event=event)
    return HttpResponse(status=200)

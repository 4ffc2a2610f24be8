"""Every call to Stripe's API, in one place (the `stripe` SDK, no dj-stripe).

Each call gets a client made from the settings (STRIPE_API_KEY, STRIPE_API_BASE: empty for
the real Stripe, a localstripe server in the tests), so a test's settings apply at once and
no module-wide `stripe.api_base` leaks between them. Stripe's objects come back as plain
dicts: the callers read fields that may be missing (localstripe leaves out some) with .get.
"""

from typing import Any

import stripe
from django.conf import settings

CURRENCY = "dkk"
VAT_MARK = {"tovholder": "dk-vat-25"}  # how our tax rate is found again at Stripe
Params = dict[str, Any]


class StripeUnavailable(Exception):
    """Stripe refused or could not be reached; the message says why, for the vendor."""


class StripeMissing(StripeUnavailable):
    """Stripe has no such object (404): deleted, or never there; asking again won't help."""


def _client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_API_KEY or "sk_unset",
        base_addresses={"api": base} if base else {},
        max_network_retries=1,
    )


def _plain(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _call(method: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Run one SDK call; Stripe's own errors become one exception the callers catch."""
    try:
        return _plain(method(*args, **kwargs))
    except stripe.StripeError as exc:
        error = StripeMissing if exc.http_status == 404 else StripeUnavailable
        raise error(exc.user_message or str(exc)) from exc


def _options(idempotency_key: str) -> dict[str, Any]:
    # Stripe keeps an idempotency key for 24 hours: a retry of the same write within that
    # time returns the first result instead of creating a second object.
    return {"idempotency_key": idempotency_key} if idempotency_key else {}


def vat_rate_id() -> str:
    """Danish VAT (25 %, exclusive) as a Stripe tax rate: found by its mark, else made."""
    v1 = _client().v1
    rates = _call(v1.tax_rates.list, params={"limit": 100})
    for rate in rates.get("data", []):
        mark = (rate.get("metadata") or {}).get("tovholder")
        if rate.get("active") and mark == VAT_MARK["tovholder"]:
            return str(rate["id"])
    created = _call(
        v1.tax_rates.create,
        params={
            "display_name": "Moms",
            "description": "Dansk moms 25 %",
            "jurisdiction": "DK",
            "inclusive": False,
            "percentage": 25.0,
            "metadata": VAT_MARK,
        },
    )
    return str(created["id"])


def plan_create(*, name: str, amount: int, yearly: bool, plan_pk: int) -> str:
    """A product and its plan (Stripe's Plans, which localstripe has; it has no Prices)."""
    v1 = _client().v1
    product = _call(
        v1.products.create,
        params={"name": name, "metadata": {"plan_id": str(plan_pk)}},
        options=_options(f"product-{plan_pk}-{amount}"),
    )
    plan = _call(
        v1.plans.create,
        params={
            "product": product["id"],
            "currency": CURRENCY,
            "amount": amount,
            "interval": "year" if yearly else "month",
            "metadata": {"plan_id": str(plan_pk)},
        },
        options=_options(f"plan-{plan_pk}-{amount}"),
    )
    return str(plan["id"])


def customer_create(*, name: str, email: str, metadata: dict[str, str], key: str) -> str:
    params: Params = {"name": name, "metadata": metadata, "preferred_locales": ["da"]}
    if email:
        params["email"] = email
    customer = _call(_client().v1.customers.create, params=params, options=_options(key))
    return str(customer["id"])


def payment_method_attach(*, customer_id: str, payment_method_id: str) -> dict[str, Any]:
    """Attach a payment method (collected by Stripe, a card or a SEPA mandate) and make it
    the one the customer's invoices are charged to."""
    v1 = _client().v1
    method = _call(v1.payment_methods.attach, payment_method_id, params={"customer": customer_id})
    _call(
        v1.customers.update,
        customer_id,
        params={"invoice_settings": {"default_payment_method": payment_method_id}},
    )
    return method


def customer_can_pay(customer_id: str) -> bool:
    """Whether the customer has a payment method its invoices are charged to."""
    customer = _call(_client().v1.customers.retrieve, customer_id)
    return bool((customer.get("invoice_settings") or {}).get("default_payment_method"))


def subscription_create(
    *, customer_id: str, plan_id: str, tax_rate_id: str, trial_end: int | None, key: str
) -> dict[str, Any]:
    params: Params = {
        "customer": customer_id,
        "items": [{"plan": plan_id}],
        "default_tax_rates": [tax_rate_id],
        # Created even if the first payment fails: the invoice stays open and the failure
        # comes as an event, which the dunning path follows.
        "payment_behavior": "allow_incomplete",
    }
    if trial_end:
        params["trial_end"] = trial_end
    return _call(_client().v1.subscriptions.create, params=params, options=_options(key))


def subscription_plan_set(*, subscription_id: str, plan_id: str) -> bool:
    """Move the Stripe subscription to another plan from now (Stripe prorates the rest of
    the period); False if it is on that plan already."""
    v1 = _client().v1
    current = _call(v1.subscriptions.retrieve, subscription_id)
    item = current["items"]["data"][0]
    if (item.get("plan") or {}).get("id") == plan_id:
        return False
    _call(
        v1.subscriptions.update,
        subscription_id,
        params={"items": [{"id": item["id"], "plan": plan_id}]},
    )
    return True


def subscription_cancel(*, subscription_id: str) -> str:
    """End the Stripe subscription now (the tenant was cancelled); its status after."""
    return str(_call(_client().v1.subscriptions.cancel, subscription_id).get("status", ""))


def invoice_item_create(
    *,
    customer_id: str,
    amount: int,
    description: str,
    tax_rate_id: str,
    metadata: dict[str, str],
    key: str,
) -> str:
    """A pending invoice item: Stripe puts it on the customer's next invoice when that is
    created (the subscription's renewal)."""
    item = _call(
        _client().v1.invoice_items.create,
        params={
            "customer": customer_id,
            "amount": amount,
            "currency": CURRENCY,
            "description": description,
            "tax_rates": [tax_rate_id],
            "metadata": metadata,
        },
        options=_options(key),
    )
    return str(item["id"])


def invoice_retrieve(invoice_id: str) -> dict[str, Any]:
    return _call(_client().v1.invoices.retrieve, invoice_id)


def subscription_retrieve(subscription_id: str) -> dict[str, Any]:
    return _call(_client().v1.subscriptions.retrieve, subscription_id)


def payment_failed(invoice: dict[str, Any]) -> bool:
    """Whether the invoice's last attempt to charge failed: it is open and its payment
    intent wants another payment method (a declined card). A SEPA debit still processing
    has not failed."""
    intent_id = invoice.get("payment_intent")
    if invoice.get("status") != "open" or not intent_id:
        return False
    if isinstance(intent_id, dict):
        intent_id = intent_id.get("id")
    intent = _call(_client().v1.payment_intents.retrieve, str(intent_id))
    return bool(intent.get("last_payment_error")) or intent.get("status") == (
        "requires_payment_method"
    )


def event_verify(payload: bytes, signature: str) -> dict[str, Any]:
    """The event if `signature` (the Stripe-Signature header) is Stripe's for this payload
    with our endpoint's secret and recent (5 minutes); raises ValueError otherwise."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise ValueError("STRIPE_WEBHOOK_SECRET is not set")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except stripe.SignatureVerificationError as exc:
        raise ValueError(str(exc)) from exc
    return _plain(event)

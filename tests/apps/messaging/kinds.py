"""What every kind's own test checks (one test per kind, in the test module of the app
that declares it), through the real service that sends it:

* sent once: the trigger runs twice (a retried task, a double click), one delivery;
* in the tenant's language: the mail that went out is the one rendered in the tenant's
  language, and differs from the one in the other language;
* on the tenant's clock: a moment the mail is about shows at New York's time, not
  Copenhagen's (the settings' zone) — the tenant's zone is changed for the test;
* the person's switch: switched off → no mail; an essential kind ignores it.
"""

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core import mail
from django.test import TestCase

from apps.accounts.models import User
from apps.messaging.models import Delivery, Preference
from apps.messaging.rendering import delivery_email
from kernel import messages
from tenants.models import Tenant

ZONE = "America/New_York"
LOCALES = ("da", "en")
CASES = [(locale, off) for locale in LOCALES for off in (False, True)]
CASE_IDS = [f"{locale}-{'switched-off' if off else 'on'}" for locale, off in CASES]


def prepare(tenant: Tenant, *, locale: str) -> None:
    """The tenant speaks `locale` and lives in New York (far from UTC and Copenhagen)."""
    tenant.locale, tenant.timezone = locale, ZONE
    tenant.save(update_fields=["locale", "timezone"])


def switch_everything_off(user: User) -> None:
    """Every switch the person has; an essential kind has none, so it still goes."""
    for kind in messages.kinds():
        if kind.switchable:
            Preference.objects.update_or_create(
                user=user, kind=kind.slug, defaults={"email": False, "sms": False}
            )


def twice(trigger: Callable[[], object]) -> None:
    for _attempt in range(2):
        with TestCase.captureOnCommitCallbacks(execute=True):
            trigger()


def _without_links(text: str) -> str:
    return re.sub(r"https?://\S+", "", text)


def assert_kind(
    slug: str,
    *,
    tenant: Tenant,
    to: User,
    switched_off: bool,
    moment: datetime | None = None,
) -> None:
    kind = messages.kind(slug)
    rows = Delivery.objects.filter(message__kind=slug, channel="email", user=to)
    if switched_off and kind.switchable:
        assert not rows.filter(status=Delivery.Status.SENT).exists(), slug
        return
    (delivery,) = rows  # once, however often it was triggered
    assert delivery.status == Delivery.Status.SENT, (slug, delivery.last_error)
    mine = f"<delivery.{tenant.schema_name}.{delivery.pk}@"
    sent = next(m for m in mail.outbox if m.extra_headers["Message-ID"].startswith(mine))
    _assert_language(tenant, delivery, sent)
    if moment is not None:
        _assert_clock(sent.subject + sent.body, moment)


def _assert_language(tenant: Tenant, delivery: Delivery, sent) -> None:
    locale = tenant.locale
    other = "en" if locale == "da" else "da"
    tenant.locale = other
    elsewhere = delivery_email(tenant, delivery)
    tenant.locale = locale
    same = delivery_email(tenant, delivery)
    assert _without_links(str(sent.body)) == _without_links(str(same.body))
    assert _without_links(str(sent.subject) + sent.body) != _without_links(
        str(elsewhere.subject) + elsewhere.body
    ), delivery.message.kind


def _assert_clock(text: str, moment: datetime) -> None:
    here = f"{moment.astimezone(ZoneInfo(ZONE)):%H:%M}"
    copenhagen = f"{moment.astimezone(ZoneInfo('Europe/Copenhagen')):%H:%M}"
    assert here in text and copenhagen not in text, text

"""Sentry set-up. Requests are tagged in TenantContextMiddleware, tasks in config.celery."""

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def sentry_init(*, dsn: str, **options: Any) -> None:
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # send_default_pii stays at its default (off): volunteers' data stays out of Sentry.
        traces_sample_rate=0.0,
        **options,
    )

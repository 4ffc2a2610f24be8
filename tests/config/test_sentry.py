"""Sentry events carry the tenant, from requests and from tasks (a capture-only transport)."""

from collections.abc import Iterator

import pytest
import sentry_sdk
from django.http import HttpRequest
from django.urls import include, path
from django_tenants.utils import tenant_context
from sentry_sdk.transport import Transport

from config.celery import app as celery_app
from config.sentry import sentry_init

pytestmark = pytest.mark.django_db


class CaptureTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type in ("event", "transaction") and item.payload.json:
                self.events.append(item.payload.json)


def boom(request: HttpRequest):
    raise ZeroDivisionError("a bug in a tenant's page")


urlpatterns = [path("boom/", boom), path("", include("config.urls_tenant"))]


@celery_app.task(name="tests.sentry_boom")
def sentry_boom() -> None:
    raise ZeroDivisionError("a bug in a task")


@pytest.fixture
def captured() -> Iterator[CaptureTransport]:
    transport = CaptureTransport()
    sentry_init(dsn="https://key@sentry.invalid/1", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # back to a disabled client


@pytest.mark.allow_logged_errors  # the 500 it sends to Sentry is logged as well
def test_it_tags_request_errors_with_the_tenant(captured, settings, aarhus_client):
    settings.ROOT_URLCONF = __name__
    aarhus_client.raise_request_exception = False
    assert aarhus_client.get("/boom/").status_code == 500
    sentry_sdk.flush()
    (event,) = [e for e in captured.events if e.get("exception")]
    assert event["tags"]["tenant"] == "visitaarhus"


def test_it_tags_task_errors_with_the_tenant(captured, nyborg):
    with tenant_context(nyborg), pytest.raises(ZeroDivisionError):
        sentry_boom.delay()
    sentry_sdk.flush()
    (event,) = [e for e in captured.events if e.get("exception")]
    assert event["tags"]["tenant"] == "nyborg"

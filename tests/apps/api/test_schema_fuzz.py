"""schemathesis against the served OpenAPI document, with a site-wide write key: no
operation answers 5xx, and every answer (problems included) matches the document.

Bounded for CI: a few examples per operation (about 20 s on a laptop core)."""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.api.models import ApiKey
from tests.apps.api.conftest import make_key
from tests.personas import place

pytestmark = pytest.mark.django_db

HOST = "nyborg.localhost"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app() -> Iterator[object]:
    # As Django's test client does: the request's start and end must not close the test's
    # connection (it holds the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(nanna, morning, frida, bo, settings) -> str:
    settings.RATELIMIT_API_KEY = settings.RATELIMIT_API_ANON = (100000, 60)
    place(morning, frida)
    return make_key(nanna, scope=ApiKey.Scope.WRITE)[1]


@pytest.fixture
def api_schema(wsgi_app, token):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, headers={"Host": HOST})


def test_it_answers_every_operation_as_documented(api_schema, token):
    # Operation by operation with hypothesis directly: schemathesis' pytest plugin
    # (`from_fixture`) does not run under pytest 9.
    headers = {"Host": HOST, "Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 14
    answers: list[int] = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=5,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def answers_as_documented(case):
            answers.append(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

        answers_as_documented()
    # The key and the host reached the API: real answers, not only refusals.
    assert answers.count(200) > len(operations) and 401 not in answers

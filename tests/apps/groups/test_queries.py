"""The group page costs the same number of queries for 2 posts as for 12."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.groups.services import post_create, post_hide
from tests.apps.groups.conftest import browser_for, pdf

pytestmark = pytest.mark.django_db


def add_threads(group, author, replier, n: int) -> None:
    for i in range(n):
        top = post_create(actor=author, group_id=group.pk, body=f"Opslag {i}", attachments=[pdf()])
        post_create(
            actor=replier,
            group_id=group.pk,
            body=f"Svar {i}",
            parent_id=top.pk,
            attachments=[pdf()],
        )


def queries(browser, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["frida", "nanna"])
def test_the_group_page_costs_the_same_queries_however_many_posts(
    persona, crew, frida, bo, nanna, nyborg, media, request
):
    browser = browser_for(request.getfixturevalue(persona), nyborg)
    path = f"/grupper/{crew.pk}/"
    add_threads(crew, frida, bo, 1)
    browser.get(path)  # warm the per-session caches
    few = queries(browser, path)
    add_threads(crew, bo, frida, 5)
    hidden = post_create(actor=bo, group_id=crew.pk, body="Skjules")
    post_hide(actor=nanna, post_id=hidden.pk, reason="test")
    assert queries(browser, path) == few

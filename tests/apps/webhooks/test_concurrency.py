"""Two workers claim the same outbox at the same moment, on connections of their own: each
row is posted once. Rows are committed here, so the module cleans up after itself."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.organisations.models import Organisation
from apps.webhooks.models import Delivery, Endpoint
from apps.webhooks.services import deliver_due, endpoint_create, event_emit
from apps.webhooks.services.emitting import FLAG
from tests.threads import crowd, in_tenant

pytestmark = pytest.mark.django_db
EVENTS = 30


@pytest.fixture
def committed(nyborg, receiver, allow_private) -> Iterator[None]:
    def create() -> None:
        admin = User.objects.create_user("hookadmin@example.dk", full_name="Hook Admin")
        club = Organisation.objects.create(name="Hook FC", is_approved=True)
        endpoint_create(actor=admin, url=receiver.url, kinds=["member.created"], organisation=club)
        cache.delete(FLAG)
        for number in range(EVENTS):
            event_emit(kind="member.created", organisation_id=club.pk, payload={"n": number})

    def last_audit_id() -> int:
        return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def remove() -> None:
        # The endpoint's audit row too: left committed, another test's count of Nyborg's
        # audit rows (tests/browser/test_webhooks.py) would be one off.
        AuditEvent.objects.filter(id__gt=before).delete()
        Endpoint.objects.filter(url=receiver.url).delete()
        Organisation.objects.filter(name="Hook FC").delete()
        User.objects.filter(email="hookadmin@example.dk").delete()
        cache.delete(FLAG)

    before = in_tenant(nyborg, last_audit_id)
    in_tenant(nyborg, create)
    yield
    in_tenant(nyborg, remove)


def test_it_delivers_each_row_once_with_two_workers(nyborg, receiver, committed):
    results = crowd(nyborg, [deliver_due, deliver_due], refusal=())
    assert sum(result["sent"] for result in results) == EVENTS
    numbers = sorted(body["data"]["n"] for body in receiver.bodies())
    assert numbers == list(range(EVENTS))
    statuses = in_tenant(nyborg, lambda: set(Delivery.objects.values_list("status", flat=True)))
    assert statuses == {"sent"}

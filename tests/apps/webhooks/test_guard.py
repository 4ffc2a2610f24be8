"""The SSRF guard refuses private, loopback, link-local, multicast and reserved addresses,
at registration and again at delivery, unless the operator allows them."""

import pytest

from apps.webhooks import guard
from apps.webhooks.models import Delivery, Endpoint
from apps.webhooks.services import deliver_due, endpoint_create, event_emit

pytestmark = pytest.mark.django_db

REFUSED = [
    "http://127.0.0.1/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://224.0.0.1/hook",
    "http://0.0.0.0/hook",
    "http://240.0.0.1/hook",
    "http://localhost:8000/hook",  # a host name resolving to loopback
]


@pytest.mark.parametrize("url", REFUSED)
def test_it_refuses_private_and_local_addresses(url):
    with pytest.raises(guard.Refused):
        guard.checked_address(url)


def test_it_refuses_other_schemes_and_unknown_hosts():
    with pytest.raises(guard.Refused):
        guard.checked_address("ftp://93.184.216.34/hook")
    with pytest.raises(guard.Refused):
        guard.checked_address("https://no-such-host.invalid/hook")


def test_it_lets_public_addresses_through():
    assert guard.checked_address("https://93.184.216.34/hook") == (
        "93.184.216.34",
        443,
        "93.184.216.34",
    )


def test_it_allows_private_addresses_when_the_operator_says_so(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    assert guard.checked_address("http://localhost:8000/x")[2] in ("127.0.0.1", "::1")


def test_it_refuses_at_registration(rikke, roklub):
    with pytest.raises(guard.Refused):
        endpoint_create(
            actor=rikke,
            url="http://169.254.169.254/",
            kinds=["signup.created"],
            organisation=roklub,
        )
    assert not Endpoint.objects.exists()


def test_it_checks_again_at_delivery(rikke, roklub, receiver, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint_create(actor=rikke, url=receiver.url, kinds=["member.created"], organisation=roklub)
    event_emit(kind="member.created", organisation_id=roklub.pk, payload={"person": 1})
    settings.WEBHOOKS_ALLOW_PRIVATE = False  # as if the name now pointed somewhere private
    assert deliver_due() == {"sent": 0, "retry": 1, "failed": 0}
    assert receiver.received == []
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.PENDING and "Refused" in row.last_error

"""Mail and SMS to people without an account (a crisis helper): bare addresses through the
same outbox, once per address and channel, with a personal link per recipient."""

import pytest
from django.core import mail

from apps.messaging import sms
from apps.messaging.models import Delivery, Message
from apps.messaging.services import message_to_addresses
from kernel import messages
from kernel.messages import MessageKind, register

pytestmark = pytest.mark.django_db

BARE = MessageKind(
    slug="test_bare_address",
    label="A test mail to a bare address",
    essential=True,
    switch_off=None,
    channels=("email", "sms"),
    recipient=lambda params, address: {"link": f"https://x.test/{params['n']}/{address}"},
)


@pytest.fixture(autouse=True)
def _bare_kind():
    """Declared for these tests only (the registry is global: every kind needs a test)."""
    register(BARE)
    yield
    messages._kinds.pop(BARE.slug)


TO = [("email", "ada@example.dk"), ("sms", "+4512345678"), ("email", "ada@example.dk")]


def send(roklub) -> Message:
    return message_to_addresses(
        BARE,
        to=TO,
        dedupe_key="test.bare.1",
        params={"n": 7},
        organisation_id=roklub.pk,
        subject="Tak for hjælpen",
        body_markdown="Tak!",
    )


def test_it_sends_to_addresses_without_a_user_once(roklub, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(roklub)
        again = send(roklub)  # a retried task: the same message, nobody twice
    assert again.pk == message.pk
    rows = Delivery.objects.filter(message=message).order_by("channel")
    assert [(d.channel, d.address, d.user_id, d.status) for d in rows] == [
        ("email", "ada@example.dk", None, "sent"),
        ("sms", "+4512345678", None, "sent"),
    ]
    assert [m.to for m in mail.outbox] == [["ada@example.dk"]]
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers  # no account, no switch
    assert [s.to for s in sms.outbox] == ["+4512345678"]
    assert "https://x.test/7/+4512345678" in sms.outbox[0].text  # the recipient's own link


def test_it_forgets_addresses_of_deleted_people(roklub, django_capture_on_commit_callbacks):
    message = send(roklub)  # not committed: nothing has gone out yet
    assert messages.forget_addresses(["ada@example.dk", "+4512345678"]) == 2
    rows = Delivery.objects.filter(message=message)
    assert {(d.address, d.status) for d in rows} == {("", "skipped")}


def test_it_goes_through_the_kernel_port(roklub, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        messages.send_to_addresses(
            BARE,
            to=[("email", "bo@example.dk")],
            dedupe_key="test.bare.2",
            params={"n": 1},
            subject="Hej",
            body_markdown="Tak",
        )
    assert [m.to for m in mail.outbox] == [["bo@example.dk"]]

"""Ending crisis mode thanks every helper (mail, or SMS to those who gave only a phone)
with a link to a normal account; who takes it keeps their data, the rest are deleted
`stand_down_days` later by the daily task, with counts (no names) in the audit log."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.crisis.models import Crisis, Helper
from apps.crisis.services import crisis_end, crisis_thanks_send
from apps.crisis.tasks import purge_helpers, thank_helpers
from apps.messaging import sms
from apps.messaging.models import Delivery
from tests.apps.crisis.conftest import register
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpers(flood):
    return {
        "ada": register(flood, name="Ada", phone="12345678", email="ada@example.dk"),
        "bo": register(flood, name="Bo", phone="87654321", email=""),
    }


def end(flood, nanna, capture):
    with capture(execute=True):
        crisis_end(crisis_id=flood.pk, by=nanna)


def test_it_thanks_every_helper_once_with_their_own_link(
    flood, helpers, nanna, django_capture_on_commit_callbacks
):
    end(flood, nanna, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        thank_helpers(flood.pk)  # a redelivered task: nobody twice
    assert [m.to for m in mail.outbox] == [["ada@example.dk"]]
    assert f"/krise/konto/{helpers['ada'].account_token}/" in mail.outbox[0].body
    assert [s.to for s in sms.outbox] == ["+4587654321"]
    assert f"/krise/konto/{helpers['bo'].account_token}/" in sms.outbox[0].text
    assert set(Delivery.objects.values_list("user_id", flat=True)) == {None}


def test_it_thanks_nobody_while_the_crisis_is_on(flood, helpers):
    assert crisis_thanks_send(crisis_id=flood.pk) == 0


def test_it_keeps_the_helper_who_takes_an_account(
    flood, helpers, nanna, frida, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    end(flood, nanna, django_capture_on_commit_callbacks)
    link = f"/krise/konto/{helpers['ada'].account_token}/"
    page = nyborg_client.get(link)
    assert page.status_code == 200 and 'value="ada@example.dk"' in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert nyborg_client.post(link, {"email": "ada@example.dk"}).status_code == 200
    assert [m.to for m in mail.outbox] == [["ada@example.dk"]]  # the usual sign-in link
    from apps.accounts.models import User

    ada = User.objects.get(email="ada@example.dk")
    browser = signed_in(nyborg_client, ada, nyborg)
    assert browser.post(link).status_code == 302
    assert Helper.objects.get(pk=helpers["ada"].pk).user == ada
    other = signed_in(nyborg_client, frida, nyborg)
    other.post(link)  # someone else with the same link takes nothing
    assert Helper.objects.get(pk=helpers["ada"].pk).user == ada


def test_it_deletes_helpers_without_an_account_after_the_period(
    flood, helpers, nanna, frida, nyborg, nyborg_client, django_capture_on_commit_callbacks
):
    Helper.objects.filter(pk=helpers["ada"].pk).update(user=frida)
    end(flood, nanna, django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(days=flood.stand_down_days - 1)
    with time_machine.travel(later):
        assert purge_helpers() == 0
    page = signed_in(nyborg_client, nanna, nyborg).get("/krise/styring/").content.decode()
    assert "<td>2</td>" in page and "<td>1</td>" in page  # 2 helpers, 1 with an account
    with time_machine.travel(later + timedelta(days=2)):
        assert purge_helpers() == 1
        assert purge_helpers() == 0  # twice is once
    assert list(Helper.objects.values_list("name", flat=True)) == ["Ada"]
    assert Crisis.objects.get().purged_at is not None
    audit = AuditEvent.objects.get(action="crisis.purge")
    assert audit.data == {"helpers_deleted": 1, "helpers_kept": 1}  # counts, no names
    assert not Delivery.objects.filter(address="+4587654321").exists()  # the outbox forgot
    assert nyborg_client.get(f"/krise/konto/{helpers['bo'].account_token}/").status_code == 404

"""The kinds about a person's account (see tests/apps/messaging/kinds.py): both essential,
both with a link whose token is made when the mail is rendered, never stored."""

import pytest
from django.contrib.auth.tokens import default_token_generator

from apps.accounts.models import User
from apps.accounts.services import email_link_request, email_link_tokens
from apps.accounts.tasks import send_invitation
from apps.messaging.models import Message
from tests.apps.messaging.kinds import (
    CASE_IDS,
    CASES,
    assert_kind,
    prepare,
    switch_everything_off,
    twice,
)

pytestmark = pytest.mark.django_db
cases = pytest.mark.parametrize("locale,switched_off", CASES, ids=CASE_IDS)


def _setup(nyborg, someone, locale, switched_off) -> None:
    prepare(nyborg, locale=locale)
    if switched_off:
        switch_everything_off(someone)


def _no_token_stored(slug: str, user: User, generator) -> None:
    message = Message.objects.get(kind=slug)
    stored = f"{message.subject}{message.body_markdown}{message.params}"
    assert generator.make_token(user) not in stored and message.organisation is None


@cases
def test_invitation(nyborg, in_nyborg, locale, switched_off):
    pia = User.objects.get(email="pia@nyborg.dk")  # invited, no password yet
    _setup(nyborg, pia, locale, switched_off)
    twice(lambda: send_invitation(pia.pk))
    assert_kind("invitation", tenant=nyborg, to=pia, switched_off=switched_off)
    _no_token_stored("invitation", pia, default_token_generator)


@cases
def test_email_link(nyborg, frida, locale, switched_off):
    _setup(nyborg, frida, locale, switched_off)
    twice(lambda: email_link_request(email=frida.email, next_path="/mine-vagter/"))
    assert_kind("email_link", tenant=nyborg, to=frida, switched_off=switched_off)
    _no_token_stored("email_link", frida, email_link_tokens)

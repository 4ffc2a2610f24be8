"""Mails about a person's account: the invitation of a system owner's admin and the
sign-in link. Both are essential, carry no organisation, and mint their link's token when
the mail is rendered, so no live login token is ever stored with a message."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.services import email_link_url, invitation_url
from kernel.messages import MessageKind, register

EXAMPLE_URL = "https://nyborg.example/…"


def _invitation_context(params: dict[str, Any]) -> dict[str, Any]:
    user = User.objects.get(pk=params["user_id"])
    return {"user": user, "url": invitation_url(user=user)}


def _email_link_context(params: dict[str, Any]) -> dict[str, Any]:
    user = User.objects.get(pk=params["user_id"])
    invited = bool(params.get("invited"))
    url = email_link_url(user=user, next_path=params["next_path"], invited=invited)
    return {"user": user, "url": url, "invited": invited}


def _example() -> dict[str, Any]:
    user = User(pk=1, email="nanna@nyborg.dk", full_name="Nanna")
    return {"user": user, "url": EXAMPLE_URL, "invited": False}


INVITATION = register(
    MessageKind(
        slug="invitation",
        label=_("Invitation to be an administrator"),
        template="accounts/emails/invitation",
        essential=True,
        switch_off=None,
        context=_invitation_context,
        example=_example,
    )
)
EMAIL_LINK = register(
    MessageKind(
        slug="email_link",
        label=_("Sign-in link"),
        template="accounts/emails/email_link",
        essential=True,
        switch_off=None,
        context=_email_link_context,
        example=_example,
    )
)

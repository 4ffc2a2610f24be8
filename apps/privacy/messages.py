"""Mails of privacy: the warning to a person inactive for so long that the site will
anonymise them unless they sign in (retention). Essential: it is about their account."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.privacy.models import RetentionNotice, RetentionSettings
from kernel.messages import MessageKind, register
from tenants.selectors import current_tenant, tenant_url


def _fields(user: User, deadline: Any, days: int) -> dict[str, Any]:
    return {
        "user": user,
        "deadline": deadline,
        "days": days,
        "url": tenant_url(current_tenant(), reverse("login")),
    }


def _inactive_warning_context(params: dict[str, Any]) -> dict[str, Any]:
    notice = RetentionNotice.objects.select_related("user").get(pk=params["notice_id"])
    days = RetentionSettings.load().warning_days
    return _fields(notice.user, notice.warned_at + timedelta(days=days), days)


def _inactive_warning_example() -> dict[str, Any]:
    user = User(pk=1, email="frida@example.dk", full_name="Frida Frivillig")
    return _fields(user, timezone.now() + timedelta(days=30), 30)


INACTIVE_WARNING = register(
    MessageKind(
        slug="inactive_warning",
        label=_("Your account will be anonymised unless you sign in"),
        template="privacy/emails/inactive_warning",
        essential=True,
        switch_off=None,
        context=_inactive_warning_context,
        example=_inactive_warning_example,
    )
)

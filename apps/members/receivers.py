"""Signals from the layers below that members answers (connected in MembersConfig.ready)."""

from typing import Any

from apps.legal.models import Consent
from apps.members.services.information import information_notice_send


def people_registered_inform(
    *, actor: Any, organisation: Any, user_ids: list[int], **_: Any
) -> None:
    """A coordinator invited by email is a person the organisation registered: art. 14."""
    information_notice_send(
        actor=actor,
        organisation=organisation,
        user_ids=user_ids,
        method=Consent.Method.COORDINATOR,
    )

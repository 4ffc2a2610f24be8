"""Write paths for organisations: follows and digests (follows), approval, roles and
invitations (roles), memberships and notes (members)."""

from apps.organisations.services.follows import (
    digest_events_for,
    digest_recipients,
    digest_send,
    follow_set,
)

__all__ = ["digest_events_for", "digest_recipients", "digest_send", "follow_set"]

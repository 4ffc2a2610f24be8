"""Write paths for organisations: follows (follows), approval, roles and invitations
(roles), memberships and notes (members). The follow digest is sent by messaging."""

from apps.organisations.services.follows import follow_set

__all__ = ["follow_set"]

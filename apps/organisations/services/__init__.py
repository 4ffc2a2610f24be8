"""Write paths for organisations: follows (following), approval, roles and invitations (roles).
Memberships and requests to join are apps.members.services; the follow digest is
apps.messaging.services.digests."""

"""What accounts does when something happens below it (connected in AccountsConfig.ready)."""

from typing import Any

from apps.accounts.services import owner_admin_create
from apps.accounts.tasks import send_invitation
from kernel.tasks import enqueue_on_commit


def first_admin_invite(*, admin_email: str, admin_name: str, actor: object, **_: Any) -> None:
    """tenants.signals.tenant_provisioned, in the new tenant's schema: its first system-owner
    admin, and the invitation mailed once the provisioning commits."""
    admin = owner_admin_create(email=admin_email, full_name=admin_name.strip(), actor=actor)
    enqueue_on_commit(send_invitation, admin.pk)

from celery import shared_task

from apps.accounts.models import User
from apps.accounts.services import invitation_send


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(user_id: int) -> str:
    """Runs in the tenant schema the task was sent from; the user belongs to that schema."""
    user = User.objects.get(pk=user_id)
    if user.has_usable_password():
        return "already-accepted"  # sent twice, or accepted meanwhile: nothing to do
    invitation_send(user=user)
    return user.email

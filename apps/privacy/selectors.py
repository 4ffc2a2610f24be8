"""Privacy: selectors."""

# --- Data export ----------------------------------------------------------------------------

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.privacy.models import DataExport


def my_exports(*, user: User, limit: int = 5) -> list[DataExport]:
    """The person's own latest exports (not those staff made about them)."""
    return list(DataExport.objects.filter(user=user, requested_by=user)[:limit])


def access_requests_answered_by(*, staff: User) -> QuerySet[DataExport]:
    """The access requests a staff member recorded for other people, newest first."""
    return DataExport.objects.filter(requested_by=staff).exclude(user=staff).select_related("user")

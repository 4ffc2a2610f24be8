from django.db.models import QuerySet

from apps.accounts.models import User


def owner_admins() -> QuerySet[User]:
    return User.objects.filter(is_owner_admin=True, is_active=True).order_by("full_name")

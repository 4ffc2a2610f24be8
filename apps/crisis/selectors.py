"""Reads of crisis mode: the active crisis, the admin's list of crises with their counts,
and the coordinators' list of helpers."""

from django.db.models import Count, Q, QuerySet

from apps.accounts.models import User
from apps.crisis.models import Crisis, Helper
from apps.organisations.models import OrganisationRole
from apps.organisations.selectors import COORDINATING_ROLES

HELPERS_PER_PAGE = 50


def active_crisis() -> Crisis | None:
    """The crisis that is on (at most one: the one_active_crisis constraint)."""
    return Crisis.objects.filter(ended_at__isnull=True).first()


def crises_with_counts() -> QuerySet[Crisis]:
    """Every crisis, newest first, with its helpers and those who took an account."""
    return Crisis.objects.select_related("organisation").annotate(
        helper_count=Count("helpers"),
        account_count=Count("helpers", filter=Q(helpers__user__isnull=False)),
    )


def crisis_for_coordinator(*, user: User) -> Crisis | None:
    """The active crisis if the person coordinates its organisation (or is a site admin),
    else the newest such crisis not yet purged; None when they see none."""
    crises = Crisis.objects.select_related("organisation").filter(purged_at=None)
    if not user.is_owner_admin:
        roles = OrganisationRole.objects.filter(user=user, role__in=COORDINATING_ROLES)
        crises = crises.filter(organisation__in=roles.values("organisation_id"))
    return crises.order_by("-started_at").first()


def helpers_of(*, crisis: Crisis, skill: str = "", postcode: str = "") -> QuerySet[Helper]:
    """The crisis's helpers, newest first; by skill, and by postcode (or its start)."""
    helpers = Helper.objects.filter(crisis=crisis)
    if skill:
        helpers = helpers.filter(skills__contains=[skill])
    if postcode:
        helpers = helpers.filter(postcode__startswith=postcode)
    return helpers.only(
        "name",
        "phone",
        "email",
        "postcode",
        "skills",
        "availability",
        "registrations",
        "created_at",
        "user_id",
        "crisis_id",
    )

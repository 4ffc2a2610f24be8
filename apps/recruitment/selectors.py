"""Reads of recruitment."""

from datetime import datetime

from django.db.models import Q, QuerySet

from apps.organisations.models import Organisation
from apps.recruitment.models import Application, Posting
from apps.recruitment.services._common import today

BOARD_COLUMNS = [status for status, _label in Application.Status.choices]


def open_postings(*, now: datetime | None = None) -> QuerySet[Posting]:
    """Published postings open for applications today, for the marketplace."""
    day = today(now)
    return (
        Posting.objects.filter(status=Posting.Status.PUBLISHED, opens_on__lte=day)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=day))
        .select_related("organisation")
        .order_by("closes_on", "-opens_on", "id")
    )


def posting_for_page(*, posting_id: int, coordinated: list[Organisation]) -> Posting | None:
    """Open postings for everyone; drafts and closed ones only for their coordinators."""
    posting = Posting.objects.select_related("organisation").filter(pk=posting_id).first()
    if posting is None:
        return None
    if posting.status == Posting.Status.PUBLISHED or posting.organisation in coordinated:
        return posting
    return None


def board(
    *, organisations: list[Organisation], posting_id: int | None = None
) -> dict[str, list[Application]]:
    """Applications per status, in one query; newest moves first."""
    applications = Application.objects.filter(posting__organisation__in=organisations)
    if posting_id:
        applications = applications.filter(posting_id=posting_id)
    columns: dict[str, list[Application]] = {status: [] for status in BOARD_COLUMNS}
    for application in applications.select_related("user", "posting").order_by(
        "-status_changed_at", "-id"
    ):
        columns[application.status].append(application)
    return columns


def postings_of(*, organisations: list[Organisation]) -> QuerySet[Posting]:
    return Posting.objects.filter(organisation__in=organisations).select_related("organisation")

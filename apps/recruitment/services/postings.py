"""Coordinators prepare a posting as a draft, then publish it to the marketplace."""

from datetime import date, datetime
from typing import TypedDict, Unpack

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from apps.recruitment.models import Posting
from apps.recruitment.services._common import Refused, today
from kernel.times import now_or


def _check_dates(opens_on: date, closes_on: date | None) -> None:
    if closes_on is not None and closes_on < opens_on:
        raise Refused({"closes_on": _("The last day to apply must be on or after the first.")})


def posting_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    description: str = "",
    skills: str = "",
    hours_per_month: int | None = None,
    place: str = "",
    contact_person: User | None = None,
    opens_on: date | None = None,
    closes_on: date | None = None,
    needs_criminal_record_check: bool = False,
    needs_child_check: bool = False,
) -> Posting:
    """A new posting, saved as a draft."""
    require_coordinator(actor, organisation)
    opens_on = opens_on or today()
    _check_dates(opens_on, closes_on)
    with transaction.atomic():
        posting = Posting.objects.create(
            organisation=organisation,
            title=title.strip(),
            description=description.strip(),
            skills=skills.strip(),
            hours_per_month=hours_per_month,
            place=place.strip(),
            contact_person=contact_person,
            opens_on=opens_on,
            closes_on=closes_on,
            needs_criminal_record_check=needs_criminal_record_check,
            needs_child_check=needs_child_check,
        )
        audit_record(actor=actor, action="posting.created", target=posting)
    return posting


class PostingChanges(TypedDict, total=False):
    """The fields an edit may change; those left out keep their value."""

    title: str
    description: str
    skills: str
    hours_per_month: int | None
    place: str
    contact_person: User | None
    opens_on: date
    closes_on: date | None
    needs_criminal_record_check: bool
    needs_child_check: bool


def posting_update(*, actor: User, posting: Posting, **changes: Unpack[PostingChanges]) -> Posting:
    require_coordinator(actor, posting.organisation)
    unknown = set(changes) - set(PostingChanges.__annotations__)
    if unknown:
        raise TypeError(f"posting_update() got unknown fields {sorted(unknown)}")
    for field, value in changes.items():
        setattr(posting, field, value.strip() if isinstance(value, str) else value)
    _check_dates(posting.opens_on, posting.closes_on)
    with transaction.atomic():
        posting.save(update_fields=list(changes))
        audit_record(actor=actor, action="posting.updated", target=posting, fields=sorted(changes))
    return posting


def posting_publish(*, actor: User, posting: Posting, now: datetime | None = None) -> Posting:
    require_coordinator(actor, posting.organisation)
    if posting.status == Posting.Status.PUBLISHED:
        return posting
    if not posting.organisation.is_approved:
        raise Refused(_("The organisation must be approved before it can publish postings."))
    if posting.closes_on is not None and posting.closes_on < today(now):
        raise Refused(_("The last day to apply has passed. Choose a later date first."))
    with transaction.atomic():
        posting.status, posting.published_at = Posting.Status.PUBLISHED, now_or(now)
        posting.save(update_fields=["status", "published_at"])
        audit_record(actor=actor, action="posting.published", target=posting)
    return posting


def posting_close(*, actor: User, posting: Posting) -> Posting:
    """No new applications; the ones already in the pipeline carry on."""
    require_coordinator(actor, posting.organisation)
    with transaction.atomic():
        posting.status = Posting.Status.CLOSED
        posting.save(update_fields=["status"])
        audit_record(actor=actor, action="posting.closed", target=posting)
    return posting

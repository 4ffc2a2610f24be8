"""Retention of referrals (storage limitation): a referral's personal data go a set number
of months (apps.privacy RetentionSettings.referral_months, default 12) after it ended or
was withdrawn. apps.privacy's daily `retention_run` calls these (with its dry run); what
stays is anonymous: the programme, age band, source, legal basis, status, dates and the
matches' statuses and reasons (and when check-ins and concerns were), which the funders'
reports count."""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from apps.audit.services import audit_record
from apps.citizens.models import CheckIn, CitizenMatch, Concern, Referral

SCRUBBED = {
    "first_name": "",
    "postcode": "",
    "languages": "",
    "interests": "",
    "practical_needs": "",
    "availability": [],
    "note": "",
    "contact": "",
    "special_category": "",
    "basis_note": "",
    "referring_body": "",
}


def referrals_to_scrub(*, before: datetime) -> QuerySet[Referral]:
    return Referral.objects.filter(
        status__in=Referral.CLOSED, ended_at__lt=before, scrubbed_at__isnull=True
    )


def referrals_scrub(*, before: datetime, now: datetime) -> int:
    """Delete the personal data of every closed referral that ended before `before`; safe to
    run twice (a scrubbed referral is not selected again)."""
    with transaction.atomic():
        ids = list(
            referrals_to_scrub(before=before).select_for_update().values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Referral.objects.filter(pk__in=ids).update(**SCRUBBED, scrubbed_at=now)
        # The meeting place may be the citizen's home.
        CitizenMatch.objects.filter(referral_id__in=ids).update(meeting_place="")
        # The follow-up notes and concerns are about the citizen; their dates stay.
        CheckIn.objects.filter(match__referral_id__in=ids).update(note="")
        Concern.objects.filter(match__referral_id__in=ids).update(text="")
        audit_record(actor=None, action="referral.scrubbed", count=len(ids))
    return len(ids)

"""Programmes, referrals and the special-category text: who may write and read them.

A referral comes from a coordinator of the programme's organisation (source
"coordinator"), or from a referrer (a professional with the role "referrer" in any
organisation of the site: a social service, the municipality), who may refer into every
open programme of the site and sees nothing else (source "professional"). The legal basis
(the citizen's explicit consent, or the referring authority's own basis as stated) is
recorded with who and when.

The special-category text is encrypted before it is saved (crypto.py) and read only by
`special_category_read`, which writes an audit row for every read.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.citizens import crypto
from apps.citizens.models import MatchCapacity, Programme, Referral, default_checkin_months
from apps.citizens.notifications import self_referral_send
from apps.citizens.selectors import is_referrer, may_read_special_category, referring_body
from apps.citizens.services._common import Refused
from apps.members.models import AVAILABILITY_CODES
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from apps.organisations.selectors import can_coordinate
from kernel.times import now_or

REFERRAL_FIELDS = (
    "first_name",
    "age_band",
    "postcode",
    "languages",
    "interests",
    "practical_needs",
    "availability",
    "note",
    "basis",
    "basis_note",
)
SELF_FIELDS = (
    "first_name",
    "age_band",
    "postcode",
    "contact",
    "languages",
    "interests",
    "practical_needs",
    "availability",
    "note",
)


def programme_create(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    description: str = "",
    required_steps: list[str] | None = None,
    funder: str = "",
    grant_starts_on: date | None = None,
    grant_ends_on: date | None = None,
    checkin_months: list[int] | None = None,
    allows_self_referral: bool = False,
) -> Programme:
    require_coordinator(actor, organisation)
    programme = Programme(
        organisation=organisation,
        name=name.strip(),
        description=description.strip(),
        required_steps=list(dict.fromkeys(required_steps or [])),
        funder=funder.strip(),
        grant_starts_on=grant_starts_on,
        grant_ends_on=grant_ends_on,
        allows_self_referral=allows_self_referral,
        checkin_months=default_checkin_months()
        if checkin_months is None
        else sorted(set(checkin_months)),
    )
    programme.full_clean()
    with transaction.atomic():
        programme.save()
        audit_record(actor=actor, action="programme.created", target=programme)
    return programme


def _source(actor: User, programme: Programme) -> str:
    if can_coordinate(user=actor, organisation=programme.organisation):
        return Referral.Source.COORDINATOR
    if is_referrer(user=actor):
        return Referral.Source.PROFESSIONAL
    raise PermissionDenied


def referral_create(
    *,
    actor: User,
    programme: Programme,
    data: dict[str, Any],
    special_category: str = "",
    now: datetime | None = None,
) -> Referral:
    """A referral by a coordinator or a referrer; `data` holds REFERRAL_FIELDS."""
    now = now_or(now)
    source = _source(actor, programme)
    if not programme.is_open:
        raise Refused(_("The programme does not take referrals now."))
    unknown = set(data) - set(REFERRAL_FIELDS)
    if unknown:
        raise ValueError(f"unknown referral fields: {sorted(unknown)}")
    availability = [c for c in data.get("availability") or () if c in AVAILABILITY_CODES]
    referral = Referral(
        programme=programme,
        **{**data, "availability": availability},
        special_category=crypto.encrypt(special_category.strip()),
        basis_recorded_by=actor,
        basis_recorded_at=now,
        source=source,
        referred_by=actor,
        referring_body=referring_body(user=actor) if source == Referral.Source.PROFESSIONAL else "",
        created_at=now,
        status_changed_at=now,
    )
    referral.full_clean()
    with transaction.atomic():
        referral.save()
        # No personal data in the log: the target's id says which referral.
        audit_record(
            actor=actor,
            action="referral.created",
            target=referral,
            source=source,
            basis=referral.basis,
            special_category=bool(referral.special_category),
        )
    return referral


def self_referral_create(
    *,
    programme: Programme,
    data: dict[str, Any],
    special_category: str = "",
    now: datetime | None = None,
) -> Referral:
    """A citizen asks for a volunteer themself, through the public form (no account). The
    legal basis is their consent, given in the form: recorded as given by the citizen (no
    user) at this moment. The coordinators are mailed at once (notifications)."""
    now = now_or(now)
    if not (programme.is_open and programme.allows_self_referral):
        raise Refused({"programme": _("The programme does not take requests from citizens now.")})
    unknown = set(data) - set(SELF_FIELDS)
    if unknown:
        raise ValueError(f"unknown self-referral fields: {sorted(unknown)}")
    availability = [c for c in data.get("availability") or () if c in AVAILABILITY_CODES]
    referral = Referral(
        programme=programme,
        **{**data, "availability": availability},
        special_category=crypto.encrypt(special_category.strip()),
        basis=Referral.Basis.CONSENT,
        basis_note=_("Given by the citizen in the public form"),
        basis_recorded_by=None,
        basis_recorded_at=now,
        source=Referral.Source.SELF,
        referred_by=None,
        created_at=now,
        status_changed_at=now,
    )
    referral.full_clean(exclude=["basis_recorded_by"])  # the citizen: no user
    with transaction.atomic():
        referral.save()
        audit_record(
            actor=None,
            action="referral.created",
            target=referral,
            source=Referral.Source.SELF,
            basis=referral.basis,
            special_category=bool(referral.special_category),
        )
        self_referral_send(referral=referral)
    return referral


def special_category_read(*, actor: User, referral: Referral) -> str:
    """The special-category text in clear, for a coordinator of the programme's own
    organisation; every read (and every refused attempt) leaves an audit row."""
    programme = referral.programme
    allowed = may_read_special_category(user=actor, programme=programme)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="referral.special_category_read" if allowed else "referral.special_refused",
            target=referral,
        )
    if not allowed:
        raise PermissionDenied
    return crypto.decrypt(referral.special_category)


def referral_withdraw(*, actor: User, referral: Referral, now: datetime | None = None) -> Referral:
    """The citizen no longer wants a volunteer (or the referral was a mistake)."""
    now = now_or(now)
    require_coordinator(actor, referral.programme.organisation)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status not in (Referral.Status.NEW,):
            raise Refused(_("Only a referral waiting for a match can be withdrawn."))
        locked.status = Referral.Status.WITHDRAWN
        locked.status_changed_at = locked.ended_at = now
        locked.save(update_fields=["status", "status_changed_at", "ended_at"])
        audit_record(actor=actor, action="referral.withdrawn", target=locked)
    return locked


def capacity_set(*, actor: User, max_matches: int) -> MatchCapacity:
    """A volunteer says how many citizens they can carry at once (their own word only)."""
    if not 0 <= max_matches <= 10:
        raise Refused({"max_matches": _("Choose a number from 0 to 10.")})
    with transaction.atomic():
        capacity, _created = MatchCapacity.objects.update_or_create(
            user=actor, defaults={"max_matches": max_matches}
        )
        audit_record(actor=actor, action="citizens.capacity_set", max_matches=max_matches)
    return capacity


def rest_start(*, volunteer_id: int, now: datetime) -> None:
    """The volunteer ended a match themself: no suggestions or proposals for them until
    they ask (`ready_for_new_match`). Inside the caller's transaction."""
    capacity, created = MatchCapacity.objects.get_or_create(
        user_id=volunteer_id,
        defaults={"max_matches": MatchCapacity.DEFAULT, "resting_since": now},
    )
    if not created and capacity.resting_since is None:
        MatchCapacity.objects.filter(pk=capacity.pk).update(resting_since=now)


def ready_for_new_match(*, actor: User) -> None:
    """The volunteer, on their page, says they may be suggested for a new match again."""
    with transaction.atomic():
        MatchCapacity.objects.filter(user=actor).update(resting_since=None)
        audit_record(actor=actor, action="citizens.ready_for_new_match")


def special_category_rotate() -> int:
    """Re-encrypt every token of this schema with the newest key (crypto.py: rotation);
    safe to run twice. Returns how many were rewritten."""
    schema = connection.schema_name  # type: ignore[attr-defined]
    done = 0
    with transaction.atomic():
        rows = Referral.objects.exclude(special_category="").select_for_update()
        for pk, token in rows.values_list("pk", "special_category"):
            Referral.objects.filter(pk=pk).update(
                special_category=crypto.rotate(token, schema=schema)
            )
            done += 1
        audit_record(actor=None, action="referral.keys_rotated", count=done)
    return done

"""Write paths of crisis mode: switching it on and off, a helper's registration (merged by
phone or email), a helper taking a normal account, and the stand-down's deletion.

Registration is the hot path (thousands in an hour): one SELECT … FOR UPDATE of the
helpers with that phone or email, then one INSERT … ON CONFLICT DO NOTHING or one UPDATE.
The partial unique constraints (one helper per phone, one per email, per crisis) are the
truth: a registration that loses a race to a twin retries and merges into the winner.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.crisis.models import Crisis, Helper, Invite
from apps.organisations.models import Organisation
from kernel import messages
from kernel.phones import normalise_phone
from kernel.tasks import enqueue_on_commit

RETRIES = 3  # a registration that collides with a twin's is tried again this many times


class CrisisRefused(ValidationError):
    """A crisis cannot be started or ended as asked (the form shows why)."""


def crisis_start(
    *,
    organisation: Organisation,
    title: str,
    public_text: str = "",
    stand_down_days: int = 30,
    by: User,
) -> Crisis:
    """Switch crisis mode on; the database lets only one crisis be active at a time."""
    _require_admin(by)
    try:
        with transaction.atomic():
            crisis = Crisis.objects.create(
                organisation=organisation,
                title=title.strip(),
                public_text=public_text.strip(),
                stand_down_days=stand_down_days,
                started_at=timezone.now(),
                started_by=by,
            )
            audit_record(
                actor=by,
                action="crisis.start",
                target=crisis,
                organisation_id=organisation.pk,
                stand_down_days=stand_down_days,
            )
    except IntegrityError:  # one_active_crisis: another is on (maybe started a moment ago)
        raise CrisisRefused(
            _("Crisis mode is already on. End the active crisis before starting a new one."),
            code="already_active",
        ) from None
    return crisis


def crisis_end(*, crisis_id: int, by: User) -> Crisis:
    """Switch crisis mode off: the helpers are thanked (after commit, by a task) and those
    who take no account are deleted `stand_down_days` later (crisis_purge_due)."""
    _require_admin(by)
    with transaction.atomic():
        crisis = Crisis.objects.select_for_update().get(pk=crisis_id)
        if crisis.ended_at is not None:
            raise CrisisRefused(_("This crisis has already ended."), code="ended")
        crisis.ended_at = timezone.now()
        crisis.ended_by = by
        crisis.save(update_fields=["ended_at", "ended_by"])
        helpers = Helper.objects.filter(crisis=crisis).count()
        audit_record(actor=by, action="crisis.end", target=crisis, helpers=helpers)
        enqueue_on_commit("apps.crisis.tasks.thank_helpers", crisis.pk)
    return crisis


def _require_admin(user: User) -> None:
    if not user.is_owner_admin:
        raise CrisisRefused(_("Only the site's admins may switch crisis mode."), code="not_admin")


def clean_phone(raw: str) -> str:
    """E.164 (+4512345678), or "" when empty; CrisisRefused when it is not a number."""
    raw = raw.strip()
    if not raw:
        return ""
    number = normalise_phone(raw)
    if number is None:
        raise CrisisRefused(_("Enter a phone number, e.g. 12 34 56 78."), code="phone")
    return number


def helper_register(
    *,
    crisis: Crisis,
    name: str,
    phone: str,
    email: str,
    postcode: str,
    skills: list[str],
    availability: list[str],
) -> Helper:
    """Register someone who wants to help, or merge into the helper with the same phone or
    email (skills and times joined, the newest name and postcode, a missing phone or email
    filled in). A helper matched by phone and another by email become one."""
    if crisis.ended_at is not None:
        raise CrisisRefused(_("Crisis mode has ended: no more registrations."), code="ended")
    phone = clean_phone(phone)
    email = email.strip().lower()
    if not (phone or email):
        raise CrisisRefused(_("Give a phone number or an e-mail address."), code="contact")
    fields = {
        "name": name.strip()[:200],
        "postcode": postcode.strip(),
        "skills": sorted(set(skills)),
        "availability": sorted(set(availability)),
    }
    for attempt in range(RETRIES + 1):
        try:
            with transaction.atomic():
                helper = _register_once(crisis, phone, email, fields)
        except IntegrityError:  # a twin took the phone or email a moment ago: merge into it
            if attempt == RETRIES:
                raise
            continue
        return helper
    raise AssertionError("unreachable")  # pragma: no cover


def _register_once(crisis: Crisis, phone: str, email: str, fields: dict) -> Helper:
    matches = _matching(crisis, phone, email)
    if not matches:
        return _insert(crisis, phone, email, fields)
    by_phone = next((h for h in matches if phone and h.phone == phone), None)
    by_email = next((h for h in matches if email and h.email == email), None)
    keep = by_phone or by_email
    assert keep is not None
    registrations = keep.registrations + 1
    skills, availability = set(keep.skills), set(keep.availability)
    if by_phone and by_email and by_phone.pk != by_email.pk:
        other = by_email
        _move_invites(source=other, target=keep)
        registrations += other.registrations
        skills |= set(other.skills)
        availability |= set(other.availability)
        if other.user_id and not keep.user_id:
            keep.user_id = other.user_id
        other.delete()  # first: its email is the one the kept helper takes
    keep.name = fields["name"]
    keep.postcode = fields["postcode"]
    keep.skills = sorted(skills | set(fields["skills"]))
    keep.availability = sorted(availability | set(fields["availability"]))
    keep.phone = keep.phone or phone
    keep.email = keep.email or email
    keep.registrations = registrations
    keep.consent_at = timezone.now()
    keep.save(
        update_fields=[
            "name",
            "postcode",
            "skills",
            "availability",
            "phone",
            "email",
            "registrations",
            "consent_at",
            "user",
            "updated_at",
        ]
    )
    return keep


def _matching(crisis: Crisis, phone: str, email: str) -> list[Helper]:
    """The helpers with this phone or email, locked: at most two (the constraints)."""
    match = Q()
    if phone:
        match |= Q(phone=phone)
    if email:
        match |= Q(email=email)
    return list(Helper.objects.filter(match, crisis=crisis).select_for_update().order_by("pk"))


_INSERT = """
INSERT INTO crisis_helper (crisis_id, name, phone, email, postcode, skills, availability,
    consent_at, registrations, created_at, updated_at, account_token, user_id)
VALUES (%s, %s, %s, %s, %s, %s::varchar(20)[], %s::varchar(20)[], %s, 1, %s, %s, %s, NULL)
ON CONFLICT DO NOTHING
RETURNING id
"""


def _insert(crisis: Crisis, phone: str, email: str, fields: dict) -> Helper:
    """One statement; IntegrityError when a twin inserted the same phone or email first
    (ON CONFLICT waits for the twin's commit, so the caller's retry finds its row)."""
    now = timezone.now()
    helper = Helper(crisis=crisis, phone=phone, email=email, consent_at=now, **fields)
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT,
            [
                crisis.pk,
                helper.name,
                phone,
                email,
                helper.postcode,
                helper.skills,
                helper.availability,
                now,
                now,
                now,
                helper.account_token,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        raise IntegrityError("a twin registered the same phone or email")
    helper.pk = row[0]
    helper.created_at = helper.updated_at = now
    return helper


def _move_invites(*, source: Helper, target: Helper) -> None:
    """The merged helper's invitations go to the kept one (one per need: the kept one's
    own invitation to the same need wins)."""
    taken = Invite.objects.filter(helper=target).values("need_id")
    Invite.objects.filter(helper=source).exclude(need_id__in=taken).update(helper=target)


def helper_account_claim(*, account_token: str, user: User) -> Helper:
    """The helper behind the stand-down mail's link took a normal account: link it, so the
    helper is kept when the others are deleted. Idempotent; the link works once per
    account (a second person with the same link gets a refusal)."""
    with transaction.atomic():
        helper = (
            Helper.objects.select_for_update()
            .select_related("crisis")
            .filter(account_token=account_token)
            .first()
        )
        if helper is None or helper.crisis.purged_at is not None:
            raise CrisisRefused(_("This link is no longer valid."), code="gone")
        if helper.user_id is not None and helper.user_id != user.pk:
            raise CrisisRefused(_("This link has already been used."), code="used")
        if helper.user_id is None:
            helper.user = user
            helper.save(update_fields=["user", "updated_at"])
            audit_record(actor=user, action="crisis.helper_account", target=helper)
    return helper


def crisis_thanks_send(*, crisis_id: int) -> int:
    """The stand-down's thanks to every helper of an ended crisis: a mail, or an SMS to
    those who gave only a phone. Once only (the dedupe key); returns the recipients."""
    from apps.crisis.messages import THANKS  # the kind's templates read this app's models

    crisis = Crisis.objects.filter(pk=crisis_id, ended_at__isnull=False, purged_at=None).first()
    if crisis is None:
        return 0
    to = []
    for phone, email in Helper.objects.filter(crisis=crisis).values_list("phone", "email"):
        to.append(("email", email) if email else ("sms", phone))
    with transaction.atomic():
        messages.send_to_addresses(
            THANKS,
            to=to,
            dedupe_key=f"crisis.thanks.{crisis.pk}",
            params={"crisis_id": crisis.pk},
            organisation_id=crisis.organisation_id,
        )
    return len(to)


def purge_date(crisis: Crisis) -> datetime | None:
    """When the helpers without an account are deleted (None while the crisis is on)."""
    if crisis.ended_at is None:
        return None
    return crisis.ended_at + timedelta(days=crisis.stand_down_days)


def crisis_purge_due(*, now: datetime | None = None) -> int:
    """Daily: delete the helpers without an account of crises that ended more than
    `stand_down_days` ago; the audit row holds counts only. Returns helpers deleted."""
    now = now or timezone.now()
    deleted = 0
    ended = Crisis.objects.filter(ended_at__isnull=False, purged_at=None)
    for crisis_id in ended.values_list("pk", flat=True):
        with transaction.atomic():
            crisis = Crisis.objects.select_for_update().get(pk=crisis_id)
            due = purge_date(crisis)
            if crisis.purged_at is not None or due is None or due > now:
                continue
            gone = Helper.objects.filter(crisis=crisis, user__isnull=True)
            addresses = [a for pair in gone.values_list("phone", "email") for a in pair if a]
            _total, per_model = gone.delete()  # their invitations go with them
            helpers_deleted = per_model.get(Helper._meta.label, 0)
            messages.forget_addresses(addresses)  # the outbox keeps counts, not addresses
            crisis.purged_at = now
            crisis.save(update_fields=["purged_at"])
            audit_record(
                actor=None,
                action="crisis.purge",
                target=crisis,
                helpers_deleted=helpers_deleted,
                helpers_kept=Helper.objects.filter(crisis=crisis).count(),
            )
            deleted += helpers_deleted
    return deleted

"""Write paths of the API: making and revoking keys, and sign-ups made through a key.

Sign-ups go through apps.shifts' own services (the page's rules, refusal codes and
messages); the key only adds its scope check and an audit row naming it.
"""

from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import User
from apps.api import selectors, tokens
from apps.api.models import ApiKey
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from apps.organisations.permissions import NotCoordinator
from apps.shifts.models import SignUp
from apps.shifts.services.signups import shift_sign_up, signup_cancel


def may_key(*, user: User, organisation: Organisation | None) -> bool:
    """Site-wide keys: the system owner's admins; an organisation's: also its admins."""
    if not user.is_active:
        return False
    if user.is_owner_admin:
        return True
    if organisation is None:
        return False
    return any(o.pk == organisation.pk for o in selectors.organisations_keyed_by(user=user))


def api_key_create(
    *,
    actor: User,
    name: str,
    scope: str,
    organisation: Organisation | None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its text, which is shown once and never stored."""
    if not may_key(user=actor, organisation=organisation):
        raise NotCoordinator
    prefix, token = tokens.new_token()
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name,
            prefix=prefix,
            secret_hash=tokens.digest(token),
            scope=scope,
            organisation=organisation,
            created_by=actor,
            expires_at=expires_at,
        )
        audit_record(
            actor=actor,
            action="api.key.created",
            target=key,
            name=name,
            scope=scope,
            organisation=organisation.pk if organisation else None,
        )
    return key, token


def api_key_revoke(*, actor: User, key_id: int) -> ApiKey:
    with transaction.atomic():
        key = (
            ApiKey.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=key_id)
        )
        if not may_key(user=actor, organisation=key.organisation):
            raise NotCoordinator
        if key.revoked_at is None:  # a second click changes nothing
            key.revoked_at, key.revoked_by = timezone.now(), actor
            key.save(update_fields=["revoked_at", "revoked_by"])
            audit_record(actor=actor, action="api.key.revoked", target=key, name=key.name)
    return key


def _audit(key: ApiKey, action: str, signup: SignUp) -> None:
    audit_record(
        actor=f"API: {key.name}",
        action=action,
        target=signup,
        key=key.name,
        key_id=key.pk,
        person=signup.user_id,
        status=signup.status,
    )


def api_signup_create(
    *, key: ApiKey, shift_id: int, person_id: int, over_workload_ok: bool = False
) -> SignUp:
    """The person signs up as on the marketplace page (their rules: deadline, members only,
    age, overlap, workload), on a shift of the key's organisation. Refused as the page is."""
    shift = selectors.writable_shift(key=key, shift_id=shift_id)
    person = selectors.person(key=key, person_id=person_id)
    if shift is None or person is None:
        raise Http404
    with transaction.atomic():
        signup = shift_sign_up(shift_id=shift.pk, user=person, over_workload_ok=over_workload_ok)
        _audit(key, "api.signup.created", signup)
    return signup


def api_signup_cancel(*, key: ApiKey, signup_id: int, reason: str = "") -> SignUp:
    """The person leaves the shift or the line, as with the page's cancel button."""
    signup = selectors.signups(key=key).filter(pk=signup_id).first()
    if signup is None:
        raise Http404
    with transaction.atomic():
        signup = signup_cancel(signup_id=signup.pk, actor=signup.user, reason=reason)
        _audit(key, "api.signup.cancelled", signup)
    return signup

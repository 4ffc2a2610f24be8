"""Who must use a second factor, and which devices a person has."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from apps.accounts.models import User
from apps.organisations.models import Organisation, OrganisationRole
from apps.twofactor.models import RECOVERY_DEVICE_NAME


def second_factor_required(*, user: User, coordinators_too: bool) -> bool:
    """Admins always (the system owner's and every organisation's); coordinators when the
    tenant says so (`Tenant.coordinators_need_second_factor`); anybody who turned it on."""
    if user.is_owner_admin:
        return True
    return _required_role(user.pk, coordinators_too).exists()


def second_factor_state(*, user: User, coordinators_too: bool) -> tuple[bool, bool]:
    """(has a second factor, must use one) in one query: the middleware asks on every page
    of a session no device has verified, which is every page a volunteer without one sees."""
    devices = _devices(OuterRef("pk"))
    role = _required_role(OuterRef("pk"), coordinators_too)
    has, required = (
        User.objects.filter(pk=user.pk)
        .annotate(has=Exists(devices[0]) | Exists(devices[1]), required=Exists(role))
        .values_list("has", "required")
        .get()
    )
    return bool(has), user.is_owner_admin or bool(required)


def _required_role(user: Any, coordinators_too: bool) -> QuerySet[OrganisationRole]:
    roles = {OrganisationRole.Role.ADMIN}
    if coordinators_too:
        roles.add(OrganisationRole.Role.COORDINATOR)
    return OrganisationRole.objects.filter(user=user, role__in=roles)


def _devices(user: Any) -> tuple[QuerySet[TOTPDevice], QuerySet[WebAuthnCredential]]:
    # Recovery codes alone do not count: an app or a passkey, confirmed.
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True),
        WebAuthnCredential.objects.filter(user=user, confirmed=True),
    )


def app_devices(*, user: User) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))


def passkeys(*, user: User) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"))


def has_second_factor(*, user: User) -> bool:
    """An authenticator app or a passkey, confirmed (recovery codes alone do not count)."""
    apps, keys = _devices(user)
    return apps.exists() or keys.exists()


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(
        device__user=user, device__name=RECOVERY_DEVICE_NAME, device__confirmed=True
    ).count()


def recovery_device(*, user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def may_reset(*, actor: User, person: User) -> bool:
    """The system owner's admins reset anybody's but their own (another admin does that);
    an organisation admin resets those with a role in one of their organisations, never a
    system owner's admin."""
    if actor.pk == person.pk or not actor.is_active:
        return False
    if actor.is_owner_admin:
        return True
    if person.is_owner_admin:
        return False
    return OrganisationRole.objects.filter(
        user=person,
        organisation__roles__user=actor,
        organisation__roles__role=OrganisationRole.Role.ADMIN,
    ).exists()


def staff_for(*, actor: User) -> list[User]:
    """The people whose second factor `actor` may reset, with `has_device` set (one query
    for the people, one for their apps, one for their passkeys)."""
    if actor.is_owner_admin:
        people = User.objects.filter(Q(is_owner_admin=True) | Q(roles__isnull=False))
    else:
        organisations = Organisation.objects.filter(
            roles__user=actor, roles__role=OrganisationRole.Role.ADMIN
        )
        people = User.objects.filter(is_owner_admin=False, roles__organisation__in=organisations)
    people = people.filter(is_active=True, erased_at__isnull=True).exclude(pk=actor.pk)
    staff = list(people.distinct().order_by("full_name", "pk"))
    with_device = set(
        TOTPDevice.objects.filter(user__in=staff, confirmed=True).values_list("user_id", flat=True)
    ) | set(
        WebAuthnCredential.objects.filter(user__in=staff, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    for person in staff:
        person.has_device = person.pk in with_device  # type: ignore[attr-defined]
    return staff

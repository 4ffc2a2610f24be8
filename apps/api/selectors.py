"""Which rows a key sees (None: no key, the public read).

- nobody: approved organisations, published public events of approved organisations, and
  their tasks and shifts (what the marketplace shows, past events included);
- an organisation's key: that, plus everything of its own organisation (drafts, members-only
  and link-only events, sign-ups, members, attendance, report figures);
- a site-wide key: everything of the tenant.

The tenant itself is the schema the request runs in (django-tenants): a key exists only in
its own tenant's schema, so another tenant's key is simply unknown here.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.api.models import ApiKey
from apps.attendance.models import Attendance
from apps.members.models import Membership
from apps.organisations.models import Organisation, OrganisationRole
from apps.shifts.models import Category, Event, Shift, SignUp, Task


def _public(prefix: str) -> Q:
    return Q(
        **{
            f"{prefix}status": Event.Status.PUBLISHED,
            f"{prefix}visibility": Event.Visibility.PUBLIC,
            f"{prefix}organisation__is_approved": True,
        }
    )


def _event_scope(key: ApiKey | None, prefix: str = "") -> Q:
    """The events this key sees, as a condition on `<prefix>` (an event or a path to one)."""
    if key is None:
        return _public(prefix)
    if key.organisation_id is None:
        return Q()
    return _public(prefix) | Q(**{f"{prefix}organisation_id": key.organisation_id})


def _own(key: ApiKey, path: str) -> Q:
    """Rows of the key's organisation (`path` leads to the organisation id); all if site-wide."""
    if key.organisation_id is None:
        return Q()
    return Q(**{path: key.organisation_id})


def organisations(*, key: ApiKey | None) -> QuerySet[Organisation]:
    rows = Organisation.objects.all()
    if key is None:
        return rows.filter(is_approved=True)
    if key.organisation_id is None:
        return rows
    return rows.filter(Q(is_approved=True) | Q(pk=key.organisation_id))


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def events(*, key: ApiKey | None) -> QuerySet[Event]:
    return Event.objects.filter(_event_scope(key)).select_related("organisation", "category")


def tasks(*, key: ApiKey | None) -> QuerySet[Task]:
    return Task.objects.filter(_event_scope(key, "event__")).select_related("event")


def shifts(*, key: ApiKey | None) -> QuerySet[Shift]:
    return Shift.objects.filter(_event_scope(key, "task__event__")).select_related("task__event")


def writable_shift(*, key: ApiKey, shift_id: int) -> Shift | None:
    """A shift of the key's own organisation (any, for a site-wide key)."""
    return Shift.objects.filter(_own(key, "task__event__organisation_id"), pk=shift_id).first()


def signups(*, key: ApiKey) -> QuerySet[SignUp]:
    return SignUp.objects.filter(_own(key, "shift__task__event__organisation_id")).select_related(
        "shift__task__event", "user"
    )


def members(*, key: ApiKey) -> QuerySet[Membership]:
    return Membership.objects.filter(_own(key, "organisation_id")).select_related("user")


def attendance(*, key: ApiKey) -> QuerySet[Attendance]:
    return Attendance.objects.filter(
        _own(key, "signup__shift__task__event__organisation_id")
    ).select_related("signup")


def person(*, key: ApiKey, person_id: int) -> User | None:
    """Someone who may be signed up: an active, not erased account of this site; for an
    organisation's key, one of its active members (a key must not reach people who have
    nothing to do with the organisation: the page's coordinators cannot either)."""
    people = User.objects.filter(pk=person_id, is_active=True, erased_at__isnull=True)
    if key.organisation_id is not None:
        people = people.filter(
            Exists(
                Membership.objects.filter(
                    user=OuterRef("pk"),
                    organisation_id=key.organisation_id,
                    status=Membership.Status.ACTIVE,
                )
            )
        )
    return people.first()


def day_start(day: date, *, next_day: bool = False) -> datetime:
    start = datetime.combine(day + timedelta(days=1 if next_day else 0), time.min)
    return timezone.make_aware(start)


# --- the key pages ---------------------------------------------------------------------


def organisations_keyed_by(*, user: User) -> list[Organisation]:
    """The organisations whose keys this person manages: every one for the system owner's
    admin, those they are an admin of otherwise."""
    if user.is_owner_admin:
        return list(Organisation.objects.all())
    return list(
        Organisation.objects.filter(
            roles__user=user, roles__role=OrganisationRole.Role.ADMIN
        ).distinct()
    )


def keys_managed_by(*, user: User) -> QuerySet[ApiKey]:
    rows = ApiKey.objects.select_related("organisation", "created_by")
    if user.is_owner_admin:
        return rows
    return rows.filter(
        organisation__roles__user=user, organisation__roles__role=OrganisationRole.Role.ADMIN
    ).distinct()

"""How long a signed-in session lasts (issue 13): staff (system-owner admins, organisation
admins and coordinators, Django-admin users) are signed out after the tenant's
`staff_idle_minutes` without a request; volunteers after SESSION_COOKIE_AGE (14 days)
without one.

The idle clock is kept in the session itself, not only in its expiry date, so that the
browser still sends the cookie when the time is up and the sign-in page can say why the
person was signed out. Every session row lives SESSION_COOKIE_AGE from its last save, and a
request saves it at most once a minute (the clock's resolution), so volunteers' 14 days
slide too and a page of many requests writes once.
"""

import time

from django.http import HttpRequest

from apps.accounts.models import User
from apps.organisations.models import OrganisationRole
from apps.organisations.selectors import COORDINATING_ROLES
from kernel.sessions import clock_idle_over, clock_start

STAFF = "idle.staff"  # does this session count as staff's (bool)
CHECKED = "idle.checked"  # when that was last looked up (epoch seconds)
ROLE_RECHECK_SECONDS = 600  # a role given or taken counts within ten minutes


def is_staff_person(user: User) -> bool:
    if user.is_owner_admin or user.is_staff:
        return True
    return OrganisationRole.objects.filter(user=user, role__in=COORDINATING_ROLES).exists()


def session_start(request: HttpRequest, user: User) -> None:
    """At sign-in: who the session is for, and the idle clock from now."""
    now = int(time.time())
    request.session[STAFF] = is_staff_person(user)
    request.session[CHECKED] = now
    clock_start(request.session)


def session_idle_over(request: HttpRequest, user: User, staff_idle_minutes: int) -> bool:
    """True when a staff session has been idle too long (the caller signs them out);
    otherwise the clock starts again from this request."""
    session = request.session
    now = int(time.time())
    staff = session.get(STAFF)
    if staff is None or now - int(session.get(CHECKED, 0)) > ROLE_RECHECK_SECONDS:
        staff = is_staff_person(user)
        session[STAFF], session[CHECKED] = staff, now
    return clock_idle_over(session, minutes=staff_idle_minutes, applies=bool(staff))

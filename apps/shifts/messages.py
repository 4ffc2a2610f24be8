"""The kinds of message about shifts: what happened to a sign-up (essential: they go out
whatever the person's preferences say), a free place for the coordinators to give away,
a shift whose time changed, and the text message offering a free place."""

from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, SignUp, Task
from kernel.messages import COORDINATORS, MessageKind, register
from tenants.selectors import current_tenant, tenant_url


def example_shift() -> Shift:
    """An unsaved shift at a regatta, for previews and template tests."""
    organisation = Organisation(pk=1, name="Nyborg Roklub")
    event = Event(
        pk=1,
        organisation=organisation,
        title="Nyborg Regatta",
        location_name="Bådhuset",
        address="Strandvejen 1, 5800 Nyborg",
        contact_name="Nanna Nyborg",
        contact_phone="+45 12 34 56 78",
    )
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    task = Task(pk=1, event=event, title="Kiosk")
    return Shift(
        pk=1,
        task=task,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        capacity=4,
        confirmed_count=2,
        waitlist_count=1,
    )


def example_user() -> User:
    return User(pk=1, email="frida@example.dk", full_name="Frida Frivillig")


def _my_shifts_url() -> str:
    return tenant_url(current_tenant(), reverse("my-shifts"))


def _signup_context(params: dict[str, Any]) -> dict[str, Any]:
    signup = SignUp.objects.select_related("user", "shift__task__event").get(pk=params["signup_id"])
    return _signup_fields(signup)


def _signup_example(status: str) -> Any:
    def example() -> dict[str, Any]:
        shift = example_shift()
        signup = SignUp(pk=1, shift=shift, user=example_user(), status=status)
        signup.offer_expires_at = shift.starts_at - timedelta(hours=12)
        return _signup_fields(signup)

    return example


def _signup_fields(signup: SignUp) -> dict[str, Any]:
    return {
        "signup": signup,
        "shift": signup.shift,
        "event": signup.shift.task.event,
        "my_shifts_url": _my_shifts_url(),
    }


def _signup_kind(status: str, label: Any) -> MessageKind:
    return register(
        MessageKind(
            slug=f"signup_{status}",
            label=label,
            template=f"shifts/emails/signup_{status}",  # extends shifts/emails/_signup
            essential=True,
            switch_off=None,
            context=_signup_context,
            example=_signup_example(status),
        )
    )


SIGNUP_KINDS = {
    "confirmed": _signup_kind("confirmed", _("You are signed up for a shift")),
    "promoted": _signup_kind("promoted", _("You moved up from the waitlist")),
    "waitlisted": _signup_kind("waitlisted", _("You are on the waitlist")),
    "offered": _signup_kind("offered", _("A free place is offered to you")),
    "removed": _signup_kind("removed", _("A coordinator took you off a shift")),
    "shift_cancelled": _signup_kind("shift_cancelled", _("Your shift is cancelled")),
}


def _shift_fields(shift: Shift) -> dict[str, Any]:
    return {"shift": shift, "task": shift.task, "event": shift.task.event}


def _shift_context(params: dict[str, Any]) -> dict[str, Any]:
    shift = Shift.objects.select_related("task__event").get(pk=params["shift_id"])
    return _shift_fields(shift)


def _shift_example() -> dict[str, Any]:
    return _shift_fields(example_shift())


FREE_PLACE = register(
    MessageKind(
        slug="free_place",
        label=_("A free place on a shift with a waitlist (coordinators)"),
        template="shifts/emails/free_place",
        switch_off=COORDINATORS,
        context=_shift_context,
        example=_shift_example,
    )
)

OFFER = register(
    MessageKind(
        slug="offer",
        label=_("A free place offered from the waitlist"),
        template="shifts/emails/offer",
        channels=("sms",),
        context=_shift_context,
        example=_shift_example,
    )
)


def _changed_fields(shifts: list[Shift], was: dict[int, list[str]]) -> dict[str, Any]:
    changes = [
        {
            "shift": shift,
            "was_start": datetime.fromisoformat(was[shift.pk][0]),
            "was_end": datetime.fromisoformat(was[shift.pk][1]),
        }
        for shift in shifts
    ]
    return {"event": shifts[0].task.event, "changes": changes, "my_shifts_url": _my_shifts_url()}


def _changed_context(params: dict[str, Any]) -> dict[str, Any]:
    was = {int(pk): times for pk, times in params["was"].items()}
    shifts = Shift.objects.select_related("task__event").filter(pk__in=list(was))
    return _changed_fields(list(shifts.order_by("starts_at", "pk")), was)


def _changed_example() -> dict[str, Any]:
    shift = example_shift()
    before = [(shift.starts_at - timedelta(hours=1)).isoformat(), shift.starts_at.isoformat()]
    return _changed_fields([shift], {shift.pk: before})


CHANGED = register(
    MessageKind(
        slug="changed",
        listed=True,
        label=_("Changed times of my shifts"),
        template="shifts/emails/changed",
        essential=True,
        switch_off=None,
        context=_changed_context,
        example=_changed_example,
    )
)

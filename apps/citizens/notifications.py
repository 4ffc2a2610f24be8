"""Mails of citizen matching, put in the outbox (kernel.messages.send) inside the caller's
transaction; the kinds and what they show are declared in citizens/messages.py."""

from apps.citizens.messages import CONCERN_RAISED, FIRST_MEETING, MATCH_PROPOSED, MEETING_REMINDER
from apps.citizens.models import CitizenMatch, Concern
from apps.organisations.models import OrganisationRole
from apps.organisations.selectors import COORDINATING_ROLES
from kernel import messages


def match_proposed_send(*, match: CitizenMatch) -> None:
    if match.volunteer_id is None:
        return
    messages.send(
        MATCH_PROPOSED,
        to=[match.volunteer_id],
        dedupe_key=f"citizen-match-proposed:{match.pk}",
        params={"match_id": match.pk},
        organisation_id=match.referral.programme.organisation_id,
    )


def first_meeting_send(*, match: CitizenMatch) -> None:
    """To the volunteer and the coordinator who will be there; a new time is a new mail."""
    assert match.meeting_at is not None
    to = [pk for pk in (match.volunteer_id, match.meeting_planned_by_id) if pk is not None]
    messages.send(
        FIRST_MEETING,
        to=list(dict.fromkeys(to)),
        dedupe_key=f"citizen-first-meeting:{match.pk}:{match.meeting_at.timestamp():.0f}",
        params={"match_id": match.pk},
        organisation_id=match.referral.programme.organisation_id,
    )


def meeting_reminder_send(*, match: CitizenMatch) -> None:
    """The day before: once per match and meeting time (a moved meeting is reminded again)."""
    assert match.meeting_at is not None
    to = [pk for pk in (match.volunteer_id, match.meeting_planned_by_id) if pk is not None]
    messages.send(
        MEETING_REMINDER,
        to=list(dict.fromkeys(to)),
        dedupe_key=f"citizen-meeting-reminder:{match.pk}:{match.meeting_at.timestamp():.0f}",
        params={"match_id": match.pk},
        organisation_id=match.referral.programme.organisation_id,
    )


def concern_raised_send(*, concern: Concern) -> None:
    """At once, to the coordinators of the programme's own organisation (not the site's
    admins as such: need to know, as for the special-category field)."""
    organisation_id = concern.match.referral.programme.organisation_id
    to = OrganisationRole.objects.filter(
        organisation_id=organisation_id, role__in=COORDINATING_ROLES, user__is_active=True
    ).values_list("user_id", flat=True)
    messages.send(
        CONCERN_RAISED,
        to=sorted(set(to)),
        dedupe_key=f"citizen-concern:{concern.pk}",
        params={"concern_id": concern.pk},
        organisation_id=organisation_id,
    )

"""Mails of citizen matching, put in the outbox (kernel.messages.send) inside the caller's
transaction; the kinds and what they show are declared in citizens/messages.py."""

from apps.accounts.selectors import owner_admins
from apps.citizens.messages import (
    CONCERN_RAISED,
    EVALUATION_ASKED,
    FIRST_MEETING,
    MATCH_PROPOSED,
    MEETING_REMINDER,
    SELF_REFERRAL,
)
from apps.citizens.models import CitizenMatch, Concern, MatchEvaluation, Referral
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


def people_to_alert(*, organisation_id: int) -> list[int]:
    """Who must hear at once of something about a programme's citizen: the coordinating
    roles (admins and coordinators) of the programme's own organisation (need to know);
    when it has none (or none active), the site's admins, so that it still reaches a
    person."""
    to = set(
        OrganisationRole.objects.filter(
            organisation_id=organisation_id, role__in=COORDINATING_ROLES, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    if not to:
        to = set(owner_admins().values_list("pk", flat=True))
    return sorted(to)


def concern_raised_send(*, concern: Concern) -> None:
    """At once, to `people_to_alert` of the programme's organisation."""
    organisation_id = concern.match.referral.programme.organisation_id
    messages.send(
        CONCERN_RAISED,
        to=people_to_alert(organisation_id=organisation_id),
        dedupe_key=f"citizen-concern:{concern.pk}",
        params={"concern_id": concern.pk},
        organisation_id=organisation_id,
    )


def evaluation_asked_send(*, evaluation: MatchEvaluation) -> None:
    """To the volunteer: the evaluation waits on their page."""
    match = evaluation.match
    if match.volunteer_id is None:
        return
    messages.send(
        EVALUATION_ASKED,
        to=[match.volunteer_id],
        dedupe_key=f"citizen-evaluation:{evaluation.pk}",
        params={"match_id": match.pk},
        organisation_id=match.referral.programme.organisation_id,
    )


def self_referral_send(*, referral: Referral) -> None:
    """A citizen referred themself: `people_to_alert` hear of it (the mail has no name)."""
    organisation_id = referral.programme.organisation_id
    messages.send(
        SELF_REFERRAL,
        to=people_to_alert(organisation_id=organisation_id),
        dedupe_key=f"citizen-self-referral:{referral.pk}",
        params={"referral_id": referral.pk},
        organisation_id=organisation_id,
    )

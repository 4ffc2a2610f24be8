"""Mails of citizen matching: a proposal to a volunteer, and the first meeting's invitation
(with its calendar file, built when the mail is rendered) to the volunteer and the
coordinator. Neither names the citizen's special-category information; the proposal does
not even name the citizen (the page behind the link does, to the volunteer alone)."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.citizens.calendars import first_meeting_calendar
from apps.citizens.models import CitizenMatch, Concern, Programme, Referral
from apps.organisations.models import Organisation
from kernel.messages import Attachment, MessageKind, register
from tenants.selectors import current_tenant, tenant_url

ICS_TYPE = "text/calendar; method=REQUEST; charset=utf-8"


def _match(params: dict[str, Any]) -> CitizenMatch:
    return CitizenMatch.objects.select_related(
        "referral__programme__organisation", "volunteer", "meeting_planned_by"
    ).get(pk=params["match_id"])


def _fields(match: CitizenMatch) -> dict[str, Any]:
    url = tenant_url(current_tenant(), reverse("citizens-proposal", args=[match.pk]))
    return {"match": match, "programme": match.referral.programme, "url": url}


def _example() -> CitizenMatch:
    organisation = Organisation(pk=1, name="Nyborg Besøgsvenner")
    programme = Programme(pk=1, organisation=organisation, name="Besøgsven")
    referral = Referral(pk=1, programme=programme, first_name="Inger", postcode="5800")
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=5)
    return CitizenMatch(
        pk=1,
        referral=referral,
        volunteer=User(pk=1, email="frida@example.dk", full_name="Frida Frivillig"),
        meeting_planned_by=User(pk=2, email="rasmus@example.dk", full_name="Rasmus Koordinator"),
        meeting_at=start,
        meeting_place="Nyborg Bibliotek",
    )


MATCH_PROPOSED = register(
    MessageKind(
        slug="citizen_match_proposed",
        label=_("A citizen proposed to a volunteer"),
        template="citizens/emails/citizen_match_proposed",
        essential=True,
        switch_off=None,
        context=lambda params: _fields(_match(params)),
        example=lambda: _fields(_example()),
    )
)


def _meeting_files(params: dict[str, Any]) -> list[Attachment]:
    return [("first-meeting.ics", first_meeting_calendar(match=_match(params)), ICS_TYPE)]


FIRST_MEETING = register(
    MessageKind(
        slug="citizen_first_meeting",
        label=_("Invitation to a first meeting with a citizen"),
        template="citizens/emails/citizen_first_meeting",
        essential=True,
        switch_off=None,
        context=lambda params: _fields(_match(params)),
        example=lambda: _fields(_example()),
        attachments=_meeting_files,
    )
)


MEETING_REMINDER = register(
    MessageKind(
        slug="citizen_meeting_reminder",
        label=_("Reminder of a first meeting with a citizen"),
        template="citizens/emails/citizen_meeting_reminder",
        context=lambda params: _fields(_match(params)),
        example=lambda: _fields(_example()),
    )
)


def _concern_fields(concern: Concern) -> dict[str, Any]:
    match = concern.match
    url = tenant_url(current_tenant(), reverse("citizens-referral", args=[match.referral_id]))
    return {"concern": concern, "match": match, "programme": match.referral.programme, "url": url}


def _concern(params: dict[str, Any]) -> dict[str, Any]:
    concern = Concern.objects.select_related(
        "match__referral__programme__organisation", "match__volunteer"
    ).get(pk=params["concern_id"])
    return _concern_fields(concern)


def _concern_example() -> dict[str, Any]:
    match = _example()
    return _concern_fields(
        Concern(pk=1, match=match, raised_by=match.volunteer, raised_at=timezone.now())
    )


# Essential: a worry about a vulnerable citizen must reach a coordinator whatever their
# switches say. The text is not in the mail (it may be about health): the page has it.
CONCERN_RAISED = register(
    MessageKind(
        slug="citizen_concern_raised",
        label=_("A volunteer raised a concern about their match"),
        template="citizens/emails/citizen_concern_raised",
        essential=True,
        switch_off=None,
        context=_concern,
        example=_concern_example,
    )
)


def _evaluation_fields(match: CitizenMatch) -> dict[str, Any]:
    url = tenant_url(current_tenant(), reverse("citizens-evaluation-own", args=[match.pk]))
    return {"match": match, "programme": match.referral.programme, "url": url}


EVALUATION_ASKED = register(
    MessageKind(
        slug="citizen_evaluation_asked",
        label=_("A short evaluation after a match with a citizen ended"),
        template="citizens/emails/citizen_evaluation_asked",
        context=lambda params: _evaluation_fields(_match(params)),
        example=lambda: _evaluation_fields(_example()),
    )
)


def _referral_fields(referral: Referral) -> dict[str, Any]:
    url = tenant_url(current_tenant(), reverse("citizens-referral", args=[referral.pk]))
    return {"referral": referral, "programme": referral.programme, "url": url}


def _self_referral(params: dict[str, Any]) -> dict[str, Any]:
    referral = Referral.objects.select_related("programme__organisation").get(
        pk=params["referral_id"]
    )
    return _referral_fields(referral)


# Essential: a citizen waits for a call; the mail names no one (the page does).
SELF_REFERRAL = register(
    MessageKind(
        slug="citizen_self_referral",
        label=_("A citizen referred themself"),
        template="citizens/emails/citizen_self_referral",
        essential=True,
        switch_off=None,
        context=_self_referral,
        example=lambda: _referral_fields(_example().referral),
    )
)

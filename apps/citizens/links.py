"""The citizen's no-sign-in link to say yes or no after the first meeting.

`signing.dumps` of the match and the meeting's time, with the schema in the salt (as the
product's other mailed links, docs/architecture.md "Links and sessions"). It names one
match only; it works while the match waits for the answers and until
CITIZEN_ANSWER_LINK_DAYS after the meeting; a new meeting time makes a new link.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import connection

from apps.citizens.models import CitizenMatch, MatchEvaluation
from kernel.times import now_or

SALT = "citizens.answer"


def _salt() -> str:
    return f"{SALT}:{connection.schema_name}"  # type: ignore[attr-defined]


def answer_token(*, match: CitizenMatch) -> str:
    assert match.meeting_at is not None
    return signing.dumps({"m": match.pk, "t": int(match.meeting_at.timestamp())}, salt=_salt())


def match_for_token(token: str, *, now: datetime | None = None) -> CitizenMatch | None:
    """The match the token names, if the link still works; None otherwise."""
    try:
        data = signing.loads(token, salt=_salt())
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        return None
    match = (
        CitizenMatch.objects.select_related("referral__programme__organisation", "volunteer")
        .filter(pk=data["m"], status=CitizenMatch.Status.MEETING_PLANNED)
        .first()
    )
    if match is None or match.meeting_at is None:
        return None
    if int(match.meeting_at.timestamp()) != data.get("t"):
        return None  # the meeting was moved: the old link is spent
    if now_or(now) > match.meeting_at + timedelta(days=settings.CITIZEN_ANSWER_LINK_DAYS):
        return None
    return match


# The citizen's evaluation after an active match ended: a link the coordinator hands on
# (the citizen has no account and we keep no address). It names one evaluation, works
# until it is answered, and for EVALUATION_LINK_DAYS after it was asked.
EVALUATION_SALT = "citizens.evaluation"
EVALUATION_LINK_DAYS = 60


def evaluation_token(*, evaluation: MatchEvaluation) -> str:
    salt = f"{EVALUATION_SALT}:{connection.schema_name}"  # type: ignore[attr-defined]
    return signing.dumps({"e": evaluation.pk}, salt=salt)


def evaluation_for_token(token: str, *, now: datetime | None = None) -> MatchEvaluation | None:
    salt = f"{EVALUATION_SALT}:{connection.schema_name}"  # type: ignore[attr-defined]
    try:
        data = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("e"), int):
        return None
    evaluation = (
        MatchEvaluation.objects.select_related(
            "match__referral__programme__organisation", "questionnaire"
        )
        .filter(pk=data["e"], side=MatchEvaluation.Side.CITIZEN, answered_at__isnull=True)
        .first()
    )
    if evaluation is None:
        return None
    if now_or(now) > evaluation.asked_at + timedelta(days=EVALUATION_LINK_DAYS):
        return None
    return evaluation

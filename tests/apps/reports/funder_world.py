"""A seeded random befriending programme in Nyborg for the funder report: referrals over
three years, and for each a random fate (still waiting, withdrawn, proposals declined, a
match that ended before it started, an active match, an ended one with a reason), written
in bulk, and kept as plain lists for the slow reference (funder_reference.py). A second
programme of another organisation must never be counted in the first's report."""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection

from apps.citizens.models import CitizenMatch, Programme, Referral
from apps.organisations.models import Organisation
from tests.personas import person

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 9, 15, 12, tzinfo=TZ)  # the report's "now": all of it is before
FIRST = datetime(2024, 1, 1, tzinfo=TZ)
AGE_BANDS = [value for value, _ in Referral.AgeBand.choices]
REASONS = [value for value, _ in CitizenMatch.EndReason.choices]


@dataclass
class FunderWorld:
    programmes: list[Programme]
    referrals: list[dict] = field(default_factory=list)
    matches: list[dict] = field(default_factory=list)


def moment(rng: random.Random, after: datetime, days: int) -> datetime:
    """A moment up to `days` after `after`, sometimes on the stroke of a local month."""
    if rng.random() < 0.1:
        at = after + timedelta(days=rng.randint(0, days))
        return max(after, at.replace(day=1, hour=0, minute=0, second=0, microsecond=0))
    return after + timedelta(seconds=rng.randint(60, days * 86400))


def build_funder_world(seed: int = 11, referrals: int = 240, volunteers: int = 12) -> FunderWorld:
    rng = random.Random(seed)
    club = Organisation.objects.create(name=f"Besøgsvennerne {seed}", is_approved=True)
    other = Organisation.objects.create(name=f"Mentorerne {seed}", is_approved=True)
    programmes = [
        Programme.objects.create(organisation=club, name="Besøgsven", funder="Fonden"),
        Programme.objects.create(organisation=other, name="Mentor"),
    ]
    people = [person(f"Ven{seed}x{i}") for i in range(volunteers)]
    world = FunderWorld(programmes)
    rows, fates = [], []
    span = (NOW - FIRST).days
    for _ in range(referrals):
        programme = programmes[0] if rng.random() < 0.85 else programmes[1]
        created = moment(rng, FIRST, span - 1)
        if created >= NOW:
            created = NOW - timedelta(hours=1)
        fate = rng.choice(
            ("waiting", "withdrawn", "declined", "not_a_fit", "active", "ended", "ended")
        )
        referral = Referral(
            programme=programme,
            first_name="Ingerlise",
            note="Hemmelig note om borgeren",
            age_band=rng.choice(AGE_BANDS),
            postcode="5800",
            basis="consent",
            basis_recorded_at=created,
            source="professional",
            status="new",
            created_at=created,
            status_changed_at=created,
        )
        rows.append(referral)
        fates.append(fate)
    Referral.objects.bulk_create(rows)
    matches = []
    for referral, fate in zip(rows, fates, strict=True):
        left = max(int((NOW - referral.created_at).total_seconds() // 86400) - 1, 1)

        def later(after: datetime, most: int) -> datetime:
            at = moment(rng, after, max(min(most, left), 1))
            return min(at, NOW - timedelta(minutes=1))

        volunteer = rng.choice([*people, None])  # None: the volunteer has been erased
        proposed = later(referral.created_at, 60)
        if fate == "withdrawn":
            referral.status, referral.ended_at = "withdrawn", later(referral.created_at, 200)
        elif fate == "declined":
            matches.append(
                CitizenMatch(
                    referral=referral,
                    volunteer=volunteer,
                    status="declined",
                    proposed_at=proposed,
                    answered_at=proposed,
                )
            )
        elif fate == "not_a_fit":
            ends = later(proposed, 30)
            matches.append(
                CitizenMatch(
                    referral=referral,
                    volunteer=volunteer,
                    status="ended",
                    proposed_at=proposed,
                    ended_at=ends,
                    end_reason="not_a_fit",
                    ended_by="coordinator",
                )
            )
        elif fate in ("active", "ended"):
            started = later(proposed, 40)
            match = CitizenMatch(
                referral=referral,
                volunteer=volunteer,
                status="active",
                proposed_at=proposed,
                volunteer_confirmed_at=started,
                citizen_confirmed_at=started,
                started_at=started,
            )
            referral.status = "active"
            if fate == "ended" and started < NOW - timedelta(days=2):
                match.status, match.ended_at = "ended", later(started, 400)
                match.end_reason, match.ended_by = rng.choice(REASONS), "volunteer"
                referral.status, referral.ended_at = "ended", match.ended_at
            matches.append(match)
    Referral.objects.bulk_update(rows, ["status", "ended_at"])
    CitizenMatch.objects.bulk_create(matches)

    def utc(at: datetime | None) -> datetime | None:
        # The reference compares in UTC: Python compares two times of one zone on the wall clock.
        return at.astimezone(UTC) if at else None

    for referral in rows:
        world.referrals.append(
            {
                "id": referral.pk,
                "programme": referral.programme_id,
                "age_band": referral.age_band,
                "created_at": utc(referral.created_at),
                "ended_at": utc(referral.ended_at),
            }
        )
    for match in matches:
        world.matches.append(
            {
                "referral": match.referral_id,
                "volunteer": match.volunteer_id,
                "status": match.status,
                "started_at": utc(match.started_at),
                "ended_at": utc(match.ended_at),
                "end_reason": match.end_reason,
            }
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE citizens_referral, citizens_citizenmatch")
    return world

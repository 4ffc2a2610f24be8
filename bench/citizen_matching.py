"""Citizen matching benchmark: suggested volunteers for one referral.

    python -m config.devstack bench bench/citizen_matching.py [VOLUNTEERS]

Runs in a database of its own (`<name>_bench_citizens`, dropped at the end) on
DATABASE_URL's server. Seeds one tenant whose befriending association has 10,000 member
volunteers (profiles, tags and availability as bench/members_ranking.py seeds them), a
programme that requires the collaboration agreement (accepted by half of them), and 2,000
active matches (each volunteer's capacity 1-3); then times `suggest` for one waiting
referral. Target: under 300 ms. These machines are noisy; compare within one run.
BENCH_PROFILE=1 adds each query's time and a cProfile of one run.

The funder report over 5 years of 50,000 referrals: bench/funder_report.py.
"""

import os
import random
import sys
import time
from datetime import date
from typing import Any

from _harness import run_in_own_database  # bench/ is the script's folder
from members_ranking import BATCH, seed_organisations, seed_people, seed_tags, timed

VOLUNTEERS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
ACTIVE_MATCHES = 2_000


def main() -> None:
    run_in_own_database(run, suffix="_bench_citizens")


def run() -> None:
    from django.core.management import call_command
    from django.utils import timezone, translation
    from django_tenants.utils import tenant_context

    from apps.citizens.models import Referral
    from apps.citizens.suggestions import suggest
    from tenants.services import tenant_provision

    call_command("setup_platform", verbosity=0)
    tenant = tenant_provision(
        slug="bench", name="Bench Kommune", admin_email="admin@bench.dk", admin_name="Admin"
    ).tenant
    with tenant_context(tenant), timezone.override(tenant.timezone):
        started = time.perf_counter()
        referral_id = seed(random.Random(1))
        print(f"seeded in {time.perf_counter() - started:.1f} s")
        referral = Referral.objects.select_related("programme").get(pk=referral_id)
        print(f"suggestions for one referral among {VOLUNTEERS} volunteers:")
        found = timed("suggest", lambda: suggest(referral))
        if os.environ.get("BENCH_PROFILE"):
            profile(lambda: suggest(referral))
        with translation.override("en"):
            best = found[0]
            print(f"best: {best.candidate.name}, {best.match.score}: {'; '.join(best.reasons)}")


def profile(call: Any) -> None:
    """BENCH_PROFILE=1: each query's time, then where Python spends the rest."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        call()
        total = (time.perf_counter() - started) * 1000
    in_sql = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    print(f"one run: {total:.0f} ms, of which {in_sql:.0f} ms in {len(captured)} queries")
    for query in captured.captured_queries:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:110]}")
    profiler = cProfile.Profile()
    profiler.runcall(call)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


def seed(rng: random.Random) -> int:
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.citizens.models import CitizenMatch, MatchCapacity, Programme, Referral
    from apps.members.models import AVAILABILITY_CODES, Tag
    from apps.recruitment.models import Onboarding

    now = timezone.now()
    with transaction.atomic():
        club, _others = seed_organisations()
        tags = seed_tags()
        users = seed_people(rng, tags, club)
        programme = Programme.objects.create(
            organisation=club, name="Besøgsven", required_steps=[Programme.Step.AGREEMENT]
        )
        Onboarding.objects.bulk_create(
            (
                Onboarding(
                    organisation=club,
                    user=user,
                    starts_on=date(2024, 1, 1),
                    agreement_accepted_on=date(2024, 1, 2),
                )
                for user in users[::2]
            ),
            batch_size=BATCH,
        )
        MatchCapacity.objects.bulk_create(
            (MatchCapacity(user=user, max_matches=rng.randint(1, 3)) for user in users),
            batch_size=BATCH,
        )
        language = next(t for t in tags if t.kind == Tag.Kind.LANGUAGE).name
        interests = [t.name for t in tags if t.kind == Tag.Kind.INTEREST][:3]

        def referral(status: str) -> Any:
            return Referral(
                programme=programme,
                first_name="Borger",
                age_band="80+",
                postcode=str(5800 + rng.randrange(60)),
                languages=f"Dansk, {language}",
                interests=", ".join(interests),
                availability=rng.sample(AVAILABILITY_CODES, 3),
                basis="consent",
                basis_recorded_at=now,
                source="professional",
                status=status,
                created_at=now,
                status_changed_at=now,
            )

        active = Referral.objects.bulk_create(
            (referral("active") for _ in range(ACTIVE_MATCHES)), batch_size=BATCH
        )
        carriers = rng.sample(users, ACTIVE_MATCHES)
        CitizenMatch.objects.bulk_create(
            (
                CitizenMatch(
                    referral=r,
                    volunteer=v,
                    status="active",
                    proposed_at=now,
                    volunteer_confirmed_at=now,
                    citizen_confirmed_at=now,
                    started_at=now,
                )
                for r, v in zip(active, carriers, strict=True)
            ),
            batch_size=BATCH,
        )
        waiting = referral("new")
        waiting.save()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return waiting.pk


if __name__ == "__main__":
    main()

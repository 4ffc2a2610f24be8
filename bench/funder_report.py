"""The funder report (issue 15, item 5) over 5 years of 50,000 referrals.

    python -m config.devstack bench bench/funder_report.py [REFERRALS]

Runs in a database of its own (`<name>_bench_funder`, dropped at the end). Seeds one tenant
with a befriending programme, 1,000 volunteers and REFERRALS (50,000) referrals spread
evenly over 2021-2025 with bulk_create in batches of 5,000 (Django fills every column,
so the seed stays right when apps.citizens gains one); each referral's fate is drawn at
random: still waiting (10 %), withdrawn (5 %), a declined proposal (5 %), a match that
ended before it started (5 %), an active match (25 %) or one that ran and ended with a
reason (50 %), with a volunteer drawn from the 1,000 (1 in 50 erased). Then times, median of
RUNS runs after a warm-up: the figures (one statement), the whole report (figures,
evaluations, suppression), the XLSX and the PDF, for the five years and for one year.
bench/citizen_matching.py measures the suggestions.
"""

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from _harness import run_in_own_database  # bench/ is the script's folder

REFERRALS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
VOLUNTEERS = 1_000
BATCH = 5_000
WARM_UP, RUNS = 1, 7
TZ = ZoneInfo("Europe/Copenhagen")
FATES = ("waiting", "withdrawn", "declined", "not_a_fit", "active", "ended")
WEIGHTS = (10, 5, 5, 5, 25, 50)


def main() -> None:
    run_in_own_database(run, suffix="_bench_funder")


def run() -> None:
    from django.core.management import call_command
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from tenants.services import tenant_provision

    call_command("setup_platform", verbosity=0)
    tenant = tenant_provision(
        slug="bench", name="Bench Kommune", admin_email="admin@bench.dk", admin_name="Admin"
    ).tenant
    with tenant_context(tenant), timezone.override(tenant.timezone):
        funder_bench(tenant)


def funder_bench(tenant: Any) -> None:
    from apps.citizens.models import Programme
    from apps.reports.figures import Period

    started = time.perf_counter()
    programme_id = seed(random.Random(15))
    print(f"seeded {REFERRALS} referrals in {time.perf_counter() - started:.1f} s")
    programme = Programme.objects.select_related("organisation").get(pk=programme_id)
    for period in (Period(date(2021, 1, 1), date(2025, 12, 31)), Period.year(2024)):
        report_period(programme, period, tenant)


SHOWN = ("received", "matched", "matched_median_days", "waiting", "ended", "volunteers")


def report_period(programme: Any, period: Any, tenant: Any) -> None:
    from apps.reports.funder.exports import funder_pdf, funder_xlsx
    from apps.reports.funder.figures import funder_figures
    from apps.reports.funder.selectors import funder_report_of

    print(f"funder report {period.start} to {period.end}:")
    timed("figures (one statement)", lambda: funder_figures(programme, period))
    report = timed(
        "report (figures, evaluations, suppression)",
        lambda: funder_report_of(programme=programme, period=period),
    )
    timed("XLSX", lambda: funder_xlsx(report))
    timed("PDF", lambda: funder_pdf(report, tenant=tenant))
    print("  " + ", ".join(f"{name} {report['totals'][name].text}" for name in SHOWN))


def timed(label: str, call: Callable[[], Any]) -> Any:
    times, result = [], None
    for index in range(WARM_UP + RUNS):
        started = time.perf_counter()
        result = call()
        if index >= WARM_UP:
            times.append((time.perf_counter() - started) * 1000)
    spread = f"min {min(times):.1f}, max {max(times):.1f}, {RUNS} runs"
    print(f"  {label:<44} median {statistics.median(times):7.1f} ms  ({spread})")
    return result


def seed(rng: random.Random) -> int:
    from django.db import connection, transaction

    from apps.accounts.models import User
    from apps.citizens.models import CitizenMatch, Programme, Referral
    from apps.organisations.models import Organisation

    first = datetime(2021, 1, 1, tzinfo=TZ)
    span = (datetime(2026, 1, 1, tzinfo=TZ) - first).total_seconds()
    now = datetime(2026, 6, 1, tzinfo=TZ)
    bands = [value for value, _ in Referral.AgeBand.choices]
    reasons = [value for value, _ in CitizenMatch.EndReason.choices]
    with transaction.atomic():
        club = Organisation.objects.create(name="Besøgsvennerne", is_approved=True)
        programme = Programme.objects.create(organisation=club, name="Besøgsven", funder="Fonden")
        people = User.objects.bulk_create(
            (
                User(email=f"v{i}@bench.dk", full_name=f"Frivillig {i}", password="!")
                for i in range(VOLUNTEERS)
            ),
            batch_size=BATCH,
        )
        for offset in range(0, REFERRALS, BATCH):
            referrals, fates = [], []
            for _ in range(min(BATCH, REFERRALS - offset)):
                created = first + timedelta(seconds=rng.random() * span)
                referrals.append(
                    Referral(
                        programme=programme,
                        first_name="Borger",
                        age_band=rng.choice(bands),
                        postcode="5800",
                        basis="consent",
                        basis_recorded_at=created,
                        source="professional",
                        status="new",
                        created_at=created,
                        status_changed_at=created,
                    )
                )
                fates.append(
                    rng.choices(
                        ("waiting", "withdrawn", "declined", "not_a_fit", "active", "ended"),
                        (10, 5, 5, 5, 25, 50),
                    )[0]
                )
            matches = []
            for referral, fate in zip(referrals, fates, strict=True):
                volunteer = None if rng.random() < 0.02 else rng.choice(people)
                proposed = referral.created_at + timedelta(days=rng.uniform(1, 40))
                started = proposed + timedelta(days=rng.uniform(3, 30))
                if fate == "withdrawn":
                    referral.status, referral.ended_at = "withdrawn", proposed
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
                    matches.append(
                        CitizenMatch(
                            referral=referral,
                            volunteer=volunteer,
                            status="ended",
                            proposed_at=proposed,
                            ended_at=started,
                            end_reason="not_a_fit",
                            ended_by="coordinator",
                        )
                    )
                elif fate in ("active", "ended"):
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
                    ends = started + timedelta(days=rng.uniform(30, 700))
                    if fate == "ended" and ends < now:
                        match.status, match.ended_at, match.ended_by = "ended", ends, "volunteer"
                        match.end_reason = rng.choice(reasons)
                        referral.status, referral.ended_at = "ended", ends
                    matches.append(match)
            Referral.objects.bulk_create(referrals, batch_size=BATCH)
            CitizenMatch.objects.bulk_create(matches, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return programme.pk


if __name__ == "__main__":
    main()

from django.core.management.base import BaseCommand, CommandError

from tenants.fleet import FleetReport, Outcome, migrate_fleet


class Command(BaseCommand):
    help = (
        "Migrate the tenant schemas whose recorded migration state is not the code's, in "
        "parallel; exit non-zero naming each tenant that failed (it keeps its old state and "
        "is retried by the next run). The public schema is migrate_schemas --shared's."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=4,
            help="schemas migrated at once, each on its own connection (0: in this process)",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            dest="force",
            help="migrate every schema, whatever state is recorded (e.g. after a manual change)",
        )
        parser.add_argument(
            "--schema", action="append", dest="only", help="only this schema (repeatable)"
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def progress(outcome: Outcome) -> None:
            if outcome.ok and verbosity >= 1:
                names = f": {', '.join(outcome.applied)}" if verbosity >= 2 else ""
                self.stdout.write(
                    f"migrated {outcome.schema_name} in {outcome.seconds:.2f} s, "
                    f"{len(outcome.applied)} migration(s){names}"
                )
            elif not outcome.ok:
                self.stderr.write(f"FAILED {outcome.schema_name}: {outcome.error}")
                self.stderr.write(outcome.output)

        report = migrate_fleet(
            workers=options["workers"],
            force=options["force"],
            only=options["only"],
            progress=progress,
        )
        if not report.ok:
            raise CommandError(failure_message(report))
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Tenant schemas in migration state {report.state}: "
                    f"{len(report.migrated)} migrated, {report.skipped} already there, "
                    f"in {report.seconds:.1f} s."
                )
            )


def failure_message(report: FleetReport) -> str:
    lines = [
        f"{len(report.failed)} tenant schema(s) failed to migrate; they keep their old "
        f"migration state and the next run retries them ({len(report.migrated)} migrated, "
        f"{report.skipped} already current):"
    ]
    lines += [f"  {outcome.schema_name}: {outcome.error}" for outcome in report.failed]
    if report.not_attempted:
        lines.append(
            f"The template schema failed, so {len(report.not_attempted)} tenant schema(s) "
            "were not attempted."
        )
    return "\n".join(lines)

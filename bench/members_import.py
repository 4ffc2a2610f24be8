"""Member import benchmark: 10,000 volunteers from CSV and from XLSX, upload and import job.

    python -m config.devstack bench bench/members_import.py [ROWS]

Runs in a database of its own (`<name>_bench`, dropped at the end) on DATABASE_URL's server,
with a fresh tenant for each file, so every row becomes a new user, profile and membership.
Prints seconds and queries; these machines are noisy, so compare within one run.
"""

import io
import os
import sys
import time
from unittest import mock

from _harness import run_in_own_database  # bench/ is the script's folder

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
HEADER = ["Fornavn", "Efternavn", "E-mail", "Mobil", "Postnummer", "By", "Fødselsår"]


def rows() -> list[list[str]]:
    return [
        [
            f"Frivillig {i}",
            "Ærøsen",
            f"frivillig{i}@example.dk",
            f"{20000000 + i}",
            f"{5000 + i % 900}",
            "Nyborg",
            f"{1950 + i % 50}",
        ]
        for i in range(ROWS)
    ]


def csv_file() -> bytes:
    # As Danish Excel saves "CSV (semikolonsepareret)": Windows-1252 and semicolons.
    lines = [";".join(HEADER)] + [";".join(row) for row in rows()]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def xlsx_file() -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in rows():
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed_import(slug: str, data: bytes, filename: str) -> None:
    """The path the pages take: upload (read, check, keep), start (the ImportJob), then the
    Celery task (eager here) writing it chunk by chunk."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    from apps.accounts.models import User
    from apps.members.imports.columns import guess_mapping
    from apps.members.imports.jobs import CHUNK_ROWS, file_keep, import_job_run, import_job_start
    from apps.members.imports.parsing import read_table
    from apps.members.models import ImportJob
    from apps.organisations.models import Organisation
    from tenants.services import tenant_provision

    tenant = tenant_provision(
        slug=slug, name=slug, admin_email=f"admin@{slug}.dk", admin_name="Bench Admin"
    ).tenant
    with tenant_context(tenant):
        admin = User.objects.get(email=f"admin@{slug}.dk")
        organisation = Organisation.objects.create(name="Bench Roklub", is_approved=True)
        started = time.perf_counter()
        # What the upload page does: the first rows and the count, then the file is kept.
        table = read_table(data, filename, first=1)
        path = file_keep(data)
        upload_seconds = time.perf_counter() - started
        started = time.perf_counter()
        # Not inside a transaction: the task is sent at once. Sent to nowhere here, and run
        # below, so its time is measured on its own.
        with mock.patch("apps.members.imports.jobs.enqueue_on_commit"):
            job = import_job_start(
                actor=admin,
                organisation=organisation,
                path=path,
                filename=filename,
                headers=table.headers,
                rows_total=table.total,
                mapping=guess_mapping(table.headers),
            )
        start_seconds = time.perf_counter() - started
        started = time.perf_counter()
        # The import queues one information mail (art. 14) per new person; Celery is eager
        # here, so delivery would run inside the timed call: measure the queueing only.
        with (
            mock.patch("apps.messaging.services.compose.enqueue_on_commit"),
            CaptureQueriesContext(connection) as queries,
        ):
            if os.environ.get("BENCH_PROFILE"):
                import cProfile

                profile = cProfile.Profile()
                job = profile.runcall(import_job_run, job_id=job.pk)
                profile.print_stats("cumulative")
            else:
                job = import_job_run(job_id=job.pk)
        run_seconds = time.perf_counter() - started
        assert job.status == ImportJob.Status.DONE and job.created == ROWS, vars(job)
        assert organisation.memberships.count() == ROWS
    print(
        f"{filename:<13} {len(data) / 1e6:4.2f} MB  upload (read, check, keep) "
        f"{upload_seconds:5.2f} s  start {start_seconds:4.2f} s  "
        f"task {run_seconds:5.2f} s = {ROWS / run_seconds:5.0f} rows/s "
        f"({len(queries)} queries, {ROWS // CHUNK_ROWS + 1} chunks, {ROWS} new members)"
    )


def main() -> None:
    run_in_own_database(run, suffix="_bench_import")


def run() -> None:
    from django.core.management import call_command

    call_command("setup_platform", verbosity=0)
    print(f"import of {ROWS} volunteers (parse, check, duplicates, write, audit, progress):")
    timed_import("benchcsv", csv_file(), "members.csv")
    timed_import("benchxlsx", xlsx_file(), "members.xlsx")


if __name__ == "__main__":
    main()

"""Member import benchmark: 10,000 volunteers from CSV and from XLSX, preview and import.

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
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    from apps.accounts.models import User
    from apps.members.imports.parsing import read_table
    from apps.members.imports.services import import_preview, members_import
    from apps.organisations.models import Organisation
    from tenants.services import tenant_provision

    tenant = tenant_provision(
        slug=slug, name=slug, admin_email=f"admin@{slug}.dk", admin_name="Bench Admin"
    ).tenant
    with tenant_context(tenant):
        admin = User.objects.get(email=f"admin@{slug}.dk")
        organisation = Organisation.objects.create(name="Bench Roklub", is_approved=True)
        started = time.perf_counter()
        table = read_table(data, filename)
        read_seconds = time.perf_counter() - started
        started = time.perf_counter()
        preview = import_preview(organisation=organisation, table=table, filename=filename)
        preview_seconds = time.perf_counter() - started
        assert not preview.invalid, preview.invalid[:3]
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
                result = profile.runcall(
                    members_import,
                    actor=admin,
                    organisation=organisation,
                    table=table,
                    filename=filename,
                )
                profile.print_stats("cumulative")
            else:
                result = members_import(
                    actor=admin, organisation=organisation, table=table, filename=filename
                )
        import_seconds = time.perf_counter() - started
        assert result.created == ROWS, result
        assert organisation.memberships.count() == ROWS
    print(
        f"{filename:<13} {len(data) / 1e6:4.2f} MB  read {read_seconds:4.2f} s  "
        f"check (preview) {preview_seconds:4.2f} s  "
        f"check and write (import) {import_seconds:4.2f} s  "
        f"({len(queries)} queries, {ROWS} new members)"
    )


def main() -> None:
    run_in_own_database(run, suffix="_bench_import")


def run() -> None:
    from django.core.management import call_command

    call_command("setup_platform", verbosity=0)
    print(f"import of {ROWS} volunteers (parse, check, duplicates, write, audit):")
    timed_import("benchcsv", csv_file(), "members.csv")
    timed_import("benchxlsx", xlsx_file(), "members.xlsx")


if __name__ == "__main__":
    main()

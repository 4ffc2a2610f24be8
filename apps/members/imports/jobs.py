"""Large imports in the background: the upload page starts an ImportJob, a Celery task
(apps.members.tasks.members_import_run) writes it in chunks and the page polls its progress.

Rows with errors never stop the rest: every valid row is imported, and the rows in error are
listed by line on the result page and in a downloadable CSV — the original columns, the
line and what is wrong — to correct and upload again. All-or-nothing is not possible once
chunks commit one by one, and it would lose nothing a rerun cannot redo: rows are matched
to people by email (and phone), so importing a corrected file, or the whole file again,
adds no one twice.

Each chunk commits together with the job's counters, so `rows_done` is exactly what is
written; a rerun of the task (a worker that died, Celery's redelivery) carries on after the
last chunk committed and a second, concurrent run stops at the first chunk the other
already took.
"""

import csv
import io
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.members.imports.columns import Mapping, check_mapping
from apps.members.imports.parsing import Table, read_table
from apps.members.imports.services import (
    Row,
    clean_row,
    mark_duplicates,
    mark_registered,
    rows_write,
)
from apps.members.models import ImportJob
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from kernel.tasks import enqueue_on_commit
from tenants.selectors import current_tenant, tenant_locale

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2000  # one transaction and one progress update per chunk
SHOWN_ERRORS = 200  # rows in error kept on the job for the page; the report has them all
KEPT = "imports"  # the folder in the tenant's storage (the storage adds the schema prefix)


def file_keep(data: bytes) -> str:
    """Store an uploaded file (already checked by `read_table`) until it is imported."""
    return default_storage.save(f"{KEPT}/upload", ContentFile(data))


def table_kept(path: str, filename: str, *, first: int | None = None) -> Table:
    """The kept file read again (see parsing.read_table for `first`)."""
    with default_storage.open(path, "rb") as handle:
        return read_table(handle.read(), filename, first=first)


def import_job_start(
    *,
    actor: User,
    organisation: Organisation,
    path: str,
    filename: str,
    headers: list[str],
    rows_total: int,
    mapping: Mapping,
) -> ImportJob:
    """Queue the import of a kept file (see `file_keep`) with the columns as chosen.

    `headers` and `rows_total` are what the upload read (`Table.headers`, `Table.total`):
    an XLSX is not opened again here (its shared strings alone take seconds at 50,000 rows).
    """
    require_coordinator(actor, organisation)
    problems = check_mapping(mapping, headers)
    if problems:
        raise ValidationError(problems, code="mapping")
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation=organisation,
            created_by=actor,
            filename=filename[:255],
            path=path,
            mapping=mapping,
            rows_total=rows_total,  # exact once the task has read the file
        )
        audit_record(
            actor=actor,
            action="members.import_started",
            target=organisation,
            filename=job.filename,
            rows=job.rows_total,
            job=job.pk,
        )
        enqueue_on_commit("apps.members.tasks.members_import_run", job.pk)
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Write the job's rows chunk by chunk; safe to run again (see the module's notes)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.finished:
            return job
        if job.status == ImportJob.Status.QUEUED:
            job.status = ImportJob.Status.RUNNING
            job.started_at = timezone.now()
            job.save(update_fields=["status", "started_at"])
    try:
        with tenant_locale(current_tenant()):  # the row errors are in the site's language
            return _run(job)
    except Exception:
        logger.exception("Member import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            failure="error",
            finished_at=timezone.now(),
        )
        raise


def _run(job: ImportJob) -> ImportJob:
    actor = job.created_by
    if actor is None:  # the person who started it was erased since
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, failure="actor", finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    organisation = job.organisation
    table = table_kept(job.path, job.filename)
    mapping: Mapping = {name: int(index) for name, index in job.mapping.items()}
    lines = table.lines()
    if job.rows_total != len(lines):  # rows without anything in them are not counted
        job.rows_total = len(lines)
        ImportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total)
    this_year = timezone.localdate().year
    first_by_email: dict[str, int] = {}
    first_by_phone: dict[str, int] = {}
    # A rerun: what the chunks already written held, for the duplicates further down.
    mark_duplicates(
        [clean_row(line, cells, mapping, this_year) for line, cells in lines[: job.rows_done]],
        first_by_email,
        first_by_phone,
    )
    for start in range(job.rows_done, len(lines), CHUNK_ROWS):
        part = lines[start : start + CHUNK_ROWS]
        rows = [clean_row(line, cells, mapping, this_year) for line, cells in part]
        mark_duplicates(rows, first_by_email, first_by_phone)
        if not _chunk_write(job, actor, organisation, start, rows, table, part):
            job.refresh_from_db()
            return job  # another run of this job took the chunk: it carries on
    return _finish(job, actor, table, len(lines))


def _chunk_write(
    job: ImportJob,
    actor: User,
    organisation: Organisation,
    start: int,
    rows: list[Row],
    table: Table,
    part: list[tuple[int, list[str]]],
) -> bool:
    """One chunk and the job's counters in one transaction; False if it was written already.

    Someone may register one of these emails between the check and the write (a unique
    violation): the chunk is checked again and written once more.
    """
    for attempt in range(3):
        checked = [Row(**{**vars(row), "errors": list(row.errors)}) for row in rows]
        mark_registered(checked, organisation)
        invalid = [row for row in checked if row.errors]
        _errors_part_save(job, start, table, invalid, part)
        try:
            with transaction.atomic():
                locked = ImportJob.objects.select_for_update().get(pk=job.pk)
                if locked.rows_done != start or locked.finished:
                    return False
                valid = [row for row in checked if not row.errors]
                created, joined = rows_write(actor=actor, organisation=organisation, rows=valid)
                room = max(0, SHOWN_ERRORS - len(locked.errors))
                locked.errors += [[row.line, row.errors] for row in invalid[:room]]
                locked.rows_done = start + len(rows)
                locked.created += created
                locked.joined += joined
                locked.already_members += sum(1 for row in valid if row.already_member)
                locked.skipped += len(invalid)
                locked.save(
                    update_fields=[
                        "errors",
                        "rows_done",
                        "created",
                        "joined",
                        "already_members",
                        "skipped",
                    ]
                )
        except IntegrityError:
            if attempt == 2:
                raise
            continue
        return True
    return False  # pragma: no cover (the loop returns or raises)


def _finish(job: ImportJob, actor: User, table: Table, total: int) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.finished:
            return job
        if job.skipped:
            job.error_report = _report_save(job, table, total)
        default_storage.delete(job.path)
        job.path = ""
        job.status = ImportJob.Status.DONE
        job.finished_at = timezone.now()
        job.save()
        audit_record(
            actor=actor,
            action="members.import",
            target=job.organisation,
            filename=job.filename,
            rows=job.rows_total,
            created=job.created,
            joined=job.joined,
            already_members=job.already_members,
            skipped=job.skipped,
            job=job.pk,
        )
    return job


# --- the error report ---------------------------------------------------------------------


def _part_name(job: ImportJob, start: int) -> str:
    return f"{KEPT}/job-{job.pk}/errors-{start:06d}.csv"


def _errors_part_save(
    job: ImportJob,
    start: int,
    table: Table,
    invalid: list[Row],
    part: list[tuple[int, list[str]]],
) -> None:
    """A chunk's rows in error, before the chunk commits; a rerun writes the same name."""
    name = _part_name(job, start)
    default_storage.delete(name)
    if not invalid:
        return
    cells_by_line = dict(part)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in invalid:
        writer.writerow([*cells_by_line[row.line], row.line, " ".join(row.errors)])
    default_storage.save(name, ContentFile(out.getvalue().encode()))


def _report_save(job: ImportJob, table: Table, total: int) -> str:
    """The parts in line order under one header: the file's own columns, the line in the
    original file and the errors. Uploaded again, the two extra columns are left out."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*table.headers, _("Line in the original file"), _("Errors")])
    body = out.getvalue()
    for start in range(0, total, CHUNK_ROWS):
        name = _part_name(job, start)
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                body += handle.read().decode()
            default_storage.delete(name)
    # With a BOM, so Excel opens UTF-8 with the Danish letters intact.
    return default_storage.save(
        f"{KEPT}/job-{job.pk}/errors.csv", ContentFile(("\ufeff" + body).encode())
    )


def error_report(job: ImportJob) -> bytes:
    with default_storage.open(job.error_report, "rb") as handle:
        return handle.read()

"""Import of volunteers and export of member lists, for an organisation's coordinators.

Upload → preview (columns, the first rows checked) → the import in the background, whose
page shows its progress and then its result (apps.members.imports.jobs). Everyone who may
not coordinate the organisation gets 404, as if it did not exist.

The uploaded file waits between preview and import in the tenant's own storage (under
`imports/`, which the storage puts under the schema's prefix), as uploaded, not in the
session: a 50,000-row file would make every request of the session load and save
megabytes. The session holds only which files this browser uploaded, so another person's
link leads nowhere.
"""

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify

from apps.audit.services import audit_record
from apps.members.exports import members_csv, members_xlsx
from apps.members.imports.columns import FIELDS, guess_mapping
from apps.members.imports.forms import MappingForm, UploadForm
from apps.members.imports.jobs import error_report, file_keep, import_job_start, table_kept
from apps.members.imports.parsing import Table, read_table
from apps.members.imports.services import import_preview
from apps.members.models import ImportJob
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from kernel.http import AuthedHttpRequest

UPLOADS = "member_imports"
RESULTS = "member_import_results"
PREVIEW_CHECKED = 1000  # rows the preview checks; the import checks every row


def _organisation(request: AuthedHttpRequest, organisation_id: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    require_coordinator(request.user, organisation)
    return organisation


# --- the kept file ------------------------------------------------------------------------


def _keep(
    request: HttpRequest, organisation: Organisation, data: bytes, table: Table, filename: str
) -> str:
    upload_id = uuid.uuid4().hex
    path = file_keep(data)
    uploads = request.session.get(UPLOADS, {})
    # A new file for the organisation replaces the one this browser left in preview.
    for earlier_id, earlier in list(uploads.items()):
        if earlier["organisation"] == organisation.pk:
            default_storage.delete(earlier["path"])
            del uploads[earlier_id]
    uploads[upload_id] = {
        "organisation": organisation.pk,
        "path": path,
        "filename": filename,
        "headers": table.headers,
        "total": table.total,
    }
    request.session[UPLOADS] = uploads
    return upload_id


def _kept(request: HttpRequest, organisation: Organisation, upload_id: str) -> dict[str, Any]:
    upload = request.session.get(UPLOADS, {}).get(upload_id)
    if not upload or upload["organisation"] != organisation.pk:
        raise Http404
    return dict(upload)


# --- the pages ----------------------------------------------------------------------------


@login_required
def import_upload(request: AuthedHttpRequest, organisation_id: int) -> HttpResponse:
    """Checks what is quick to check (type, size, header, at most 50,000 rows) and keeps
    the file; the rows are checked on the next page (the first rows) and by the import.
    An XLSX is read only as far as the preview shows (its rows are counted, not read)."""
    organisation = _organisation(request, organisation_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            table = read_table(data, upload.name, first=1)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            upload_id = _keep(request, organisation, data, table, upload.name)
            return redirect("members-import-preview", organisation.pk, upload_id)
    status = 400 if form.errors else 200
    context = {"form": form, "organisation": organisation}
    return render(request, "members/import_upload.html", context, status=status)


@login_required
def import_preview_page(
    request: AuthedHttpRequest, organisation_id: int, upload_id: str
) -> HttpResponse:
    organisation = _organisation(request, organisation_id)
    job_id = request.session.get(RESULTS, {}).get(upload_id)
    if job_id:
        # Started already (a second click, or the back button): show how it goes.
        return redirect("members-import-job", organisation.pk, job_id)
    upload = _kept(request, organisation, upload_id)
    try:
        table = table_kept(upload["path"], upload["filename"], first=PREVIEW_CHECKED)
    except FileNotFoundError:
        raise Http404 from None
    form = MappingForm(
        request.POST or None, headers=table.headers, mapping=guess_mapping(table.headers)
    )
    mapping = form.mapping() if request.method == "POST" and form.is_valid() else None
    status = 200
    if mapping is not None and request.POST.get("action") == "import":
        try:
            job = import_job_start(
                actor=request.user,
                organisation=organisation,
                path=upload["path"],
                filename=upload["filename"],
                headers=upload["headers"],
                rows_total=upload["total"],
                mapping=mapping,
            )
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
        else:
            # The file is the job's now; the session remembers the job for a second click.
            uploads = request.session.get(UPLOADS, {})
            uploads.pop(upload_id, None)
            request.session[UPLOADS] = uploads
            request.session[RESULTS] = {**request.session.get(RESULTS, {}), upload_id: job.pk}
            return redirect("members-import-job", organisation.pk, job.pk)
    # The first rows only: a 50,000-row file is checked by the import, in the background.
    preview = import_preview(
        organisation=organisation, table=table, filename=upload["filename"], mapping=mapping
    )
    context: dict[str, Any] = {
        "organisation": organisation,
        "form": form,
        "preview": preview,
        "rows_total": table.total,
        "checked_all": table.total <= PREVIEW_CHECKED,
        "column_fields": [form[f"col_{name}"] for name in FIELDS],
    }
    return render(request, "members/import_preview.html", context, status=status)


def _job(request: AuthedHttpRequest, organisation_id: int, job_id: int) -> ImportJob:
    job = get_object_or_404(
        ImportJob.objects.select_related("organisation"),
        pk=job_id,
        organisation_id=organisation_id,
    )
    require_coordinator(request.user, job.organisation)
    return job


@login_required
def import_job_page(request: AuthedHttpRequest, organisation_id: int, job_id: int) -> HttpResponse:
    """The import's progress; htmx asks again every 2 seconds until it is done."""
    job = _job(request, organisation_id, job_id)
    context = {"organisation": job.organisation, "job": job}
    if request.headers.get("HX-Request"):
        return render(request, "members/_import_job.html", context)
    return render(request, "members/import_job.html", context)


@login_required
def import_job_errors(
    request: AuthedHttpRequest, organisation_id: int, job_id: int
) -> HttpResponse:
    """The rows in error with the file's own columns, to correct and upload again."""
    job = _job(request, organisation_id, job_id)
    if not job.error_report:
        raise Http404
    try:
        body = error_report(job)
    except FileNotFoundError:
        raise Http404 from None
    audit_record(actor=request.user, action="members.import_errors", target=job.organisation)
    stem = slugify(job.filename.rsplit(".", 1)[0]) or "import"
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-fejl.csv"'
    return response


# --- exports ------------------------------------------------------------------------------

EXPORTS = {
    "csv": (members_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        members_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@login_required
def members_export(
    request: AuthedHttpRequest, organisation_id: int, file_format: str
) -> HttpResponse:
    organisation = _organisation(request, organisation_id)
    if file_format not in EXPORTS:
        raise Http404
    build, content_type = EXPORTS[file_format]
    body = build(organisation)
    # Who took a copy of the members' personal data, and when.
    audit_record(
        actor=request.user, action="members.export", target=organisation, format=file_format
    )
    name = f"{slugify(organisation.name) or 'members'}-{timezone.localdate():%Y-%m-%d}"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response

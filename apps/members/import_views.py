"""Import of volunteers and export of member lists, for an organisation's coordinators.

Upload → preview (columns, errors by line) → result. Everyone who may not coordinate the
organisation gets 404, as if it did not exist.

The uploaded file waits between preview and import in the tenant's own storage (under
`imports/`, which the storage puts under the schema's prefix), not in the session: a
10,000-row file would make every request of the session load and save megabytes. The
session holds only which files this browser uploaded, so another person's link leads nowhere.
"""

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify

from apps.audit.services import audit_record
from apps.members.exports import members_csv, members_xlsx
from apps.members.imports.columns import FIELDS, guess_mapping
from apps.members.imports.forms import MappingForm, UploadForm
from apps.members.imports.parsing import read_table
from apps.members.imports.services import import_preview, members_import
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from kernel.http import AuthedHttpRequest

UPLOADS = "member_imports"
RESULTS = "member_import_results"


def _organisation(request: AuthedHttpRequest, organisation_id: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    require_coordinator(request.user, organisation)
    return organisation


# --- the kept file ------------------------------------------------------------------------


def _keep(request: HttpRequest, organisation: Organisation, data: bytes, filename: str) -> str:
    upload_id = uuid.uuid4().hex
    path = default_storage.save(f"imports/{upload_id}", ContentFile(data))
    uploads = request.session.get(UPLOADS, {})
    # A new file for the organisation replaces the one this browser left in preview.
    for earlier_id, earlier in list(uploads.items()):
        if earlier["organisation"] == organisation.pk:
            default_storage.delete(earlier["path"])
            del uploads[earlier_id]
    uploads[upload_id] = {"organisation": organisation.pk, "path": path, "filename": filename}
    request.session[UPLOADS] = uploads
    return upload_id


def _kept(request: HttpRequest, organisation: Organisation, upload_id: str) -> tuple[bytes, str]:
    upload = request.session.get(UPLOADS, {}).get(upload_id)
    if not upload or upload["organisation"] != organisation.pk:
        raise Http404
    try:
        with default_storage.open(upload["path"], "rb") as handle:
            return handle.read(), upload["filename"]
    except FileNotFoundError:
        raise Http404 from None


def _forget(request: HttpRequest, upload_id: str) -> None:
    uploads = request.session.get(UPLOADS, {})
    upload = uploads.pop(upload_id, None)
    request.session[UPLOADS] = uploads
    if upload:
        default_storage.delete(upload["path"])


# --- the pages ----------------------------------------------------------------------------


@login_required
def import_upload(request: AuthedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _organisation(request, organisation_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            read_table(data, upload.name)  # a file that cannot be read is refused here
        except ValidationError as error:
            form.add_error("file", error)
        else:
            upload_id = _keep(request, organisation, data, upload.name)
            return redirect("members-import-preview", organisation.pk, upload_id)
    status = 400 if form.errors else 200
    context = {"form": form, "organisation": organisation}
    return render(request, "members/import_upload.html", context, status=status)


@login_required
def import_preview_page(
    request: AuthedHttpRequest, organisation_id: int, upload_id: str
) -> HttpResponse:
    organisation = _organisation(request, organisation_id)
    done = request.session.get(RESULTS, {}).get(upload_id)
    if done and done["organisation"] == organisation.pk:
        # Imported already (a second click, or the back button): show what happened.
        return redirect("members-import-result", organisation.pk, upload_id)
    data, filename = _kept(request, organisation, upload_id)
    try:
        table = read_table(data, filename)  # once a request: XLSX is slow to read
    except ValidationError:
        raise Http404 from None  # it was read at upload; a file that changed since is gone
    form = MappingForm(
        request.POST or None, headers=table.headers, mapping=guess_mapping(table.headers)
    )
    mapping = form.mapping() if request.method == "POST" and form.is_valid() else None
    status = 200
    if mapping is not None and request.POST.get("action") == "import":
        try:
            result = members_import(
                actor=request.user,
                organisation=organisation,
                table=table,
                filename=filename,
                mapping=mapping,
                import_valid_rows=form.cleaned_data["import_valid_rows"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
        else:
            _forget(request, upload_id)
            results = request.session.get(RESULTS, {})
            results[upload_id] = {"organisation": organisation.pk, "filename": filename}
            results[upload_id].update(vars(result))
            request.session[RESULTS] = results
            return redirect("members-import-result", organisation.pk, upload_id)
    preview = import_preview(
        organisation=organisation, table=table, filename=filename, mapping=mapping
    )
    context: dict[str, Any] = {
        "organisation": organisation,
        "form": form,
        "preview": preview,
        "column_fields": [form[f"col_{name}"] for name in FIELDS],
    }
    return render(request, "members/import_preview.html", context, status=status)


@login_required
def import_result(request: AuthedHttpRequest, organisation_id: int, upload_id: str) -> HttpResponse:
    organisation = _organisation(request, organisation_id)
    result = request.session.get(RESULTS, {}).get(upload_id)
    if not result or result["organisation"] != organisation.pk:
        raise Http404
    context = {"organisation": organisation, "result": result}
    return render(request, "members/import_result.html", context)


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

"""A person's copy of their data: ask, see the state, download once; staff record access
requests made by phone or letter (apps/privacy/services/export.py)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.privacy.forms import AccessRequestForm
from apps.privacy.selectors import access_requests_answered_by, my_exports
from apps.privacy.services.export import (
    ExportExpired,
    ExportRefused,
    ExportUsed,
    NotExportStaff,
    export_download,
    export_people,
    export_request,
    may_answer_requests,
)
from kernel.http import AuthedHttpRequest


@login_required
def export_page(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "privacy/export_page.html", {"exports": my_exports(user=request.user)})


@login_required
@require_POST
def export_ask(request: AuthedHttpRequest) -> HttpResponse:
    export_request(user=request.user, requested_by=request.user)
    return redirect("privacy-export")


@login_required
def export_file(request: AuthedHttpRequest, export_id: int) -> HttpResponse:
    """The ZIP, once. Someone else's export is a 404; a used or expired link says so."""
    try:
        download = export_download(export_id=export_id, user=request.user)
    except ExportRefused as refused:
        raise Http404 from refused
    except (ExportUsed, ExportExpired) as spent:
        context = {"used": isinstance(spent, ExportUsed)}
        return render(request, "privacy/export_spent.html", context, status=410)
    response = HttpResponse(download.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{download.name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def access_requests(request: AuthedHttpRequest) -> HttpResponse:
    """Staff (the site's admin, or a coordinator for their members) answer an access request
    made by phone or letter; others see no such page."""
    if not may_answer_requests(staff=request.user):
        raise Http404
    people = export_people(staff=request.user)
    form = AccessRequestForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            export_request(
                user=form.cleaned_data["user"],
                requested_by=request.user,
                channel=form.cleaned_data["channel"],
                received_on=form.cleaned_data["received_on"],
                note=form.cleaned_data["note"],
            )
        except NotExportStaff as refused:
            raise Http404 from refused
        return redirect("privacy-access-requests")
    exports = access_requests_answered_by(staff=request.user)[:50]
    return render(request, "privacy/export_staff.html", {"form": form, "exports": exports})

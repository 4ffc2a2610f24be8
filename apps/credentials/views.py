"""The volunteer's records (sign-in) and the public check (/bevis/, no sign-in)."""

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.credentials import signing
from apps.credentials.models import IssuedRecord
from apps.credentials.pdf import record_pdf
from apps.credentials.selectors import my_records, record_by_id, record_parts
from apps.credentials.services import RecordRefused, record_issue, record_revoke, record_verify
from kernel.http import AuthedHttpRequest

MAX_PASTE = 100_000  # characters: a record is a few kilobytes


@login_required
def my_records_page(request: AuthedHttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            record = record_issue(holder=request.user, keys=request.POST.getlist("parts"))
        except RecordRefused as refused:
            error = str(refused)
        else:
            messages.success(request, _("Your record has been issued."))
            return redirect("credential-mine-detail", record_id=record.pk)
    context = {
        "parts": record_parts(user=request.user),
        "records": my_records(user=request.user),
        "error": error,
    }
    return render(request, "credentials/mine.html", context, status=400 if error else 200)


@login_required
def my_record_json(request: AuthedHttpRequest, record_id: uuid.UUID) -> HttpResponse:
    record = my_records(user=request.user).filter(pk=record_id).first()
    if record is None:
        raise Http404
    response = HttpResponse(
        json.dumps(record.credential, ensure_ascii=False, indent=2),
        content_type="application/vc+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="frivilligbevis-{record.pk}.json"'
    return response


@login_required
def my_record_pdf(request: AuthedHttpRequest, record_id: uuid.UUID) -> HttpResponse:
    record = my_records(user=request.user).filter(pk=record_id).first()
    if record is None:
        raise Http404
    response = HttpResponse(record_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="frivilligbevis-{record.pk}.pdf"'
    return response


@login_required
def my_record_detail(request: AuthedHttpRequest, record_id: uuid.UUID) -> HttpResponse:
    record = my_records(user=request.user).filter(pk=record_id).first()
    if record is None:
        raise Http404
    return render(request, "credentials/mine_detail.html", {"record": record})


@login_required
@require_POST
def my_record_revoke(request: AuthedHttpRequest, record_id: uuid.UUID) -> HttpResponse:
    try:
        record_revoke(holder=request.user, record_id=record_id)
    except IssuedRecord.DoesNotExist as missing:  # someone else's record looks like none
        raise Http404 from missing
    messages.success(request, _("The record has been withdrawn."))
    return redirect("credential-mine")


def public_record(request: HttpRequest, record_id: uuid.UUID) -> HttpResponse:
    """What anyone with the link sees: the verdict and only what the volunteer put in."""
    record = record_by_id(record_id=record_id)
    if record is None:
        raise Http404
    verdict = record_verify(document=record.credential)
    subject = record.credential.get("credentialSubject", {})
    return render(
        request,
        "credentials/public.html",
        {"verdict": verdict, "record": record, "subject": subject},
    )


@csrf_exempt  # a public, read-only check: no session, nothing changes
@require_http_methods(["GET", "POST"])
def public_check(request: HttpRequest) -> HttpResponse:
    """Paste a record (a form) or POST it as JSON: the answer is the same verdict."""
    wants_json = request.content_type == "application/json"
    text = request.body.decode("utf-8", "replace") if wants_json else request.POST.get("record", "")
    verdict = None
    if request.method == "POST":
        if len(text) > MAX_PASTE:
            document: object = None
        else:
            try:
                document = json.loads(text)
            except ValueError:
                document = None
        verdict = record_verify(document=document)
        if wants_json:
            return JsonResponse(
                {"genuine": verdict.genuine, "code": verdict.code, "reason": verdict.reason}
            )
    return render(request, "credentials/check.html", {"verdict": verdict, "text": text})


def public_key(request: HttpRequest) -> JsonResponse:
    """The tenant's public key as a JWK (and a JWK set), for anyone's own verifier."""
    jwk = signing.public_jwk(signing.signing_key())
    return JsonResponse({**jwk, "keys": [jwk]})

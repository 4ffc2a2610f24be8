"""The volunteer's records (sign-in) and the public check (/bevis/, no sign-in)."""

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.throttle import ip_flooding
from apps.credentials import signing
from apps.credentials.forms import ReferenceAskForm, ReferenceWriteForm
from apps.credentials.models import IssuedRecord, Reference
from apps.credentials.pdf import record_pdf
from apps.credentials.references import ReferenceRefused, reference_ask, reference_write
from apps.credentials.selectors import (
    my_records,
    my_references,
    record_by_id,
    record_parts,
    reference_choices,
    reference_for_coordinator,
    references_to_write,
)
from apps.credentials.services import RecordRefused, record_issue, record_revoke, record_verify
from kernel import ratelimit
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
    return _mine(request, error=error)


def _mine(
    request: AuthedHttpRequest, *, error: str = "", ask_form: ReferenceAskForm | None = None
) -> HttpResponse:
    roles = reference_choices(user=request.user)
    context = {
        "parts": record_parts(user=request.user),
        "records": my_records(user=request.user),
        "references": my_references(user=request.user),
        # A coordinator's requests waiting for them (the mail links here too).
        "to_write": references_to_write(user=request.user),
        "ask_form": ask_form or ReferenceAskForm(roles=roles),
        "error": error,
    }
    bad = error or (ask_form is not None and ask_form.errors)
    return render(request, "credentials/mine.html", context, status=400 if bad else 200)


@login_required
@require_POST
def reference_ask_view(request: AuthedHttpRequest) -> HttpResponse:
    """The volunteer asks a coordinator of an organisation they volunteered for."""
    form = ReferenceAskForm(request.POST, roles=reference_choices(user=request.user))
    if form.is_valid():
        role = form.role()
        try:
            reference_ask(
                volunteer=request.user,
                organisation=role.organisation,
                coordinator=role.user,
                note=form.cleaned_data["note"],
            )
        except ReferenceRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Your request has been sent."))
            return redirect("credential-mine")
    return _mine(request, ask_form=form)


@login_required
def reference_write_view(request: AuthedHttpRequest, reference_id: int) -> HttpResponse:
    """The coordinator asked writes the reference (only them: 404 for anyone else)."""
    reference = reference_for_coordinator(user=request.user, reference_id=reference_id)
    if reference is None:
        raise Http404
    initial = {
        "text": reference.text,
        "author_name": reference.author_name or request.user.full_name,
        "author_role": reference.author_role,
    }
    form = ReferenceWriteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reference_write(
                coordinator=request.user, reference_id=reference.pk, **form.cleaned_data
            )
        except ReferenceRefused as refused:
            form.add_error(None, str(refused))
        except Reference.DoesNotExist as missing:
            raise Http404 from missing
        else:
            messages.success(request, _("Thank you: the volunteer can now see the reference."))
            return redirect("credential-reference-write", reference_id=reference.pk)
    status = 400 if form.errors else 200
    context = {"reference": reference, "form": form}
    return render(request, "credentials/reference_write.html", context, status=status)


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
    """Paste a record (a form) or POST it as JSON: the answer is the same verdict.
    Throttled per client IP (RATELIMIT_CREDENTIAL_CHECK_IP), GETs included."""
    wants_json = request.content_type == "application/json"
    if flood := ip_flooding(request, "RATELIMIT_CREDENTIAL_CHECK_IP"):
        if wants_json:
            wait = flood.retry_after or flood.limit.seconds
            reason = ngettext(
                "Too many checks from your connection. Wait %(minutes)s minute.",
                "Too many checks from your connection. Wait %(minutes)s minutes.",
                flood.minutes,
            ) % {"minutes": flood.minutes}
            answer = JsonResponse(
                {"genuine": False, "code": "throttled", "reason": reason}, status=429
            )
            answer["Retry-After"] = str(wait)
            return answer
        return ratelimit.too_many_requests(request, flood, "credentials/throttled.html")
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

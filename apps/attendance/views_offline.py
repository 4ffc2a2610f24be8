"""The roll call without network: the batch of queued ticks, and the service worker.

The service worker is served from /fremmoede/sw.js, so its default scope (/fremmoede/)
covers the roll-call pages and nothing else of the site; no Service-Worker-Allowed header
is needed. It is a static file (static/js/roll-call-sw.js) read once per process.
"""

import json
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from apps.attendance.offline import offline_ticks_apply, ticks_parse
from apps.attendance.offline_check_in import check_ins_parse, offline_check_ins_apply
from apps.attendance.views import _shift
from kernel.http import AuthedHttpRequest


@login_required
@require_POST
def ticks(request: AuthedHttpRequest, shift_id: int) -> HttpResponse:
    """{"ticks": [{client_id, signup, status, made_at}, ...]} -> {"results": [...]}.

    CSRF as every POST (the page sends the token in X-CSRFToken); 404 for anyone who may
    not call this shift's roll."""
    shift = _shift(request, shift_id)
    try:
        body = json.loads(request.body or b"{}")
        batch = ticks_parse(body.get("ticks") if isinstance(body, dict) else None)
    except (ValueError, ValidationError) as problem:
        text = " ".join(problem.messages) if isinstance(problem, ValidationError) else ""
        return JsonResponse({"error": text or "json"}, status=400)
    results = offline_ticks_apply(actor=request.user, shift_id=shift.pk, ticks=batch)
    return JsonResponse({"results": [result.as_json() for result in results]})


@login_required
@require_POST
def check_ins(request: AuthedHttpRequest) -> HttpResponse:
    """The volunteer's queued check-ins: {"check_ins": [{client_id, shift, token,
    made_at}, ...]} -> {"results": [...]}. Only the signed-in person's own sign-ups."""
    try:
        body = json.loads(request.body or b"{}")
        items = check_ins_parse(body.get("check_ins") if isinstance(body, dict) else None)
    except (ValueError, ValidationError) as problem:
        text = " ".join(problem.messages) if isinstance(problem, ValidationError) else ""
        return JsonResponse({"error": text or "json"}, status=400)
    results = offline_check_ins_apply(user=request.user, items=items)
    return JsonResponse({"results": [result.as_json() for result in results]})


@login_required
@require_GET
def check_in_shell(request: AuthedHttpRequest) -> HttpResponse:
    """The check-in page the service worker keeps and opens for a code scanned without
    network (the shift and code are read from the scanned address by the page's script).
    Signed in, so its CSRF token is the volunteer's when the queue is sent."""
    return render(request, "attendance/scan_offline.html")


@cache
def _worker_source() -> bytes:
    return (settings.BASE_DIR / "static" / "js" / "roll-call-sw.js").read_bytes()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_worker_source(), content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on each visit; a cached old one would linger.
    response["Cache-Control"] = "no-cache"
    return response

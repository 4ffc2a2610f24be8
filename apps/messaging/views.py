"""Info mails: the coordinators' pages, and the one-click unsubscribe (RFC 8058).

Thin: parse, check who may, call one service, answer. Everyone who may not coordinate an
audience's organisation gets 404, as if it did not exist.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from apps.messaging.forms import MessageForm
from apps.messaging.models import Delivery, Message
from apps.messaging.rendering import message_context, unsubscribe_user_id
from apps.messaging.selectors import audience_organisation, delivery_counts, delivery_failures
from apps.messaging.services import message_create, message_schedule, message_send, unsubscribe
from apps.organisations.models import Organisation
from apps.organisations.selectors import can_coordinate, organisations_coordinated_by
from tenants.selectors import current_tenant


@login_required
def messages_home(request: HttpRequest) -> HttpResponse:
    organisations = organisations_coordinated_by(request.user)  # type: ignore[arg-type]
    if not organisations:
        raise Http404
    messages = Message.objects.filter(organisation__in=organisations).select_related(
        "organisation"
    )[:100]
    return render(request, "messaging/home.html", {"messages_sent": messages})


@login_required
def message_new(request: HttpRequest, kind: str, audience_id: int) -> HttpResponse:
    """Write, preview (in the tenant's branding), then send now or at a given time."""
    organisation = audience_organisation(kind, audience_id)
    if organisation is None or not can_coordinate(request.user, organisation):  # type: ignore[arg-type]
        raise Http404
    form = MessageForm(request.POST or None)
    preview = ""
    if request.method == "POST" and form.is_valid():
        data, action = form.cleaned_data, request.POST.get("action")
        if action == "schedule" and not data["send_at"]:
            form.add_error("send_at", _("Choose when to send it."))
        elif action in ("send", "schedule"):
            try:
                message = _create_and_send(request, organisation, kind, audience_id, data, action)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("messaging-message", message_id=message.pk)
        draft = Message(subject=data["subject"], body_markdown=data["body_markdown"])
        preview = render_to_string(
            "emails/message.html", message_context(current_tenant(), draft, "#")
        )
    return render(
        request,
        "messaging/compose.html",
        {"form": form, "preview": preview, "organisation": organisation},
    )


def _create_and_send(
    request: HttpRequest,
    organisation: Organisation,
    kind: str,
    audience_id: int,
    data: dict,
    action: str,
) -> Message:
    actor = request.user
    message = message_create(
        actor=actor,  # type: ignore[arg-type]
        organisation=organisation,
        subject=data["subject"],
        body_markdown=data["body_markdown"],
        audience_kind=kind,
        audience_id=audience_id,
    )
    if action == "schedule":
        message_schedule(actor=actor, message_id=message.pk, send_at=data["send_at"])  # type: ignore[arg-type]
    else:
        message_send(actor=actor, message_id=message.pk)  # type: ignore[arg-type]
    return message


@login_required
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("organisation"), pk=message_id)
    if not can_coordinate(request.user, message.organisation):  # type: ignore[arg-type]
        raise Http404
    counts = delivery_counts(message)
    context = {
        "message": message,
        "counts": [(label, counts[value]) for value, label in Delivery.Status.choices],
        "failures": delivery_failures(message),
    }
    return render(request, "messaging/detail.html", context)


@csrf_exempt  # mail clients POST "List-Unsubscribe=One-Click" without a session or token
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners must not unsubscribe anyone); POST unsubscribes, no login."""
    user_id = unsubscribe_user_id(current_tenant(), token)
    if user_id is None:
        return render(request, "messaging/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        done = unsubscribe(user_id=user_id)
        return render(request, "messaging/unsubscribe.html", {"done": done})
    return render(request, "messaging/unsubscribe.html", {})

"""Messages: the coordinators' pages, everyone's preferences, the one-click unsubscribe
(RFC 8058) and the reminder's cancel link.

Thin: parse, check who may, call one service, answer. Everyone who may not coordinate an
audience's organisation gets 404, as if it did not exist.
"""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from apps.members.models import Tag
from apps.messaging.forms import MessageForm, OrientationForm, PreferencesForm
from apps.messaging.models import Delivery, Message, OrientationTemplate
from apps.messaging.rendering import (
    CancelTarget,
    LinkExpired,
    cancel_target,
    kind_label,
    preview,
    rendered,
    unsubscribe_target,
)
from apps.messaging.selectors import (
    audience_organisation,
    audience_summary,
    chosen_shifts_of,
    delivery_counts,
    delivery_failures,
    preferences_of,
    sent_by,
)
from apps.messaging.services import (
    message_create,
    message_schedule,
    message_send,
    orientation_save,
    preferences_save,
    unsubscribe,
)
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator, require_coordinator_somewhere
from apps.organisations.selectors import organisations_coordinated_by
from apps.shifts.models import Event, Shift, SignUp
from apps.shifts.services.signups import signup_cancel
from kernel import messages as kernel_messages
from kernel.csp import allow_styles_of
from kernel.forms import add_service_error
from kernel.http import AuthedHttpRequest, require_site_admin
from tenants.selectors import current_tenant


@login_required
def messages_home(request: AuthedHttpRequest) -> HttpResponse:
    organisations = require_coordinator_somewhere(request.user)
    sent = sent_by(organisations=organisations)
    context = {"messages_sent": sent[:100], "organisations": organisations}
    return render(request, "messaging/home.html", context)


def _tag(request: HttpRequest, kind: str) -> Tag | None:
    raw = request.GET.get("tag", "")
    if kind != Message.Audience.MEMBERS or not raw.isdigit():
        return None
    return get_object_or_404(Tag, pk=int(raw))


@login_required
def message_new(request: AuthedHttpRequest, kind: str, audience_id: int) -> HttpResponse:
    """Write, preview (in the tenant's branding), then send now or at a given time."""
    organisation = audience_organisation(kind=kind, audience_id=audience_id)
    if organisation is None:
        raise Http404
    require_coordinator(request.user, organisation)
    tag = _tag(request, kind)
    chosen = _chosen_shifts(request, kind, audience_id)
    form = MessageForm(request.POST or None, request.FILES or None)
    preview = ""
    if request.method == "POST" and form.is_valid():
        data, action = form.cleaned_data, request.POST.get("action")
        if action == "schedule" and not data["send_at"]:
            form.add_error("send_at", _("Choose when to send it."))
        elif action in ("send", "schedule"):
            try:
                message = _create_and_send(
                    request, organisation, kind, audience_id, tag, data, action, chosen
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                return redirect("messaging-message", message_id=message.pk)
        if not form.errors:  # after a refusal the page is about the error, not the preview
            draft = Message(subject=data["subject"], body_markdown=data["body_markdown"])
            preview = rendered(current_tenant(), draft, "#").html
    context = {"form": form, "preview": preview, "organisation": organisation, "tag": tag}
    context["audience"] = Message.Audience(kind).label if kind in Message.Audience else ""
    shift_ids = [shift.pk for shift in chosen] if chosen is not None else []
    if chosen is not None:
        context["chosen_shifts"] = chosen
    context["summary"] = audience_summary(
        kind=kind, audience_id=audience_id, tag_id=tag.pk if tag else None, shift_ids=shift_ids
    )
    return allow_styles_of(render(request, "messaging/compose.html", context), preview)


def _chosen_shifts(request: HttpRequest, kind: str, event_id: int) -> list[Shift] | None:
    """For the audience of chosen shifts: those of the event named in the address
    (?vagt=1&vagt=2; the form posts back to the same address). None for other audiences."""
    if kind != Message.Audience.SHIFTS:
        return None
    ids = sorted({int(v) for v in request.GET.getlist("vagt") if v.isdigit()})
    chosen = chosen_shifts_of(event_id=event_id, shift_ids=ids)
    if not chosen or len(chosen) != len(ids):
        raise Http404
    return chosen


def _create_and_send(
    request: AuthedHttpRequest,
    organisation: Organisation,
    kind: str,
    audience_id: int,
    tag: Tag | None,
    data: dict,
    action: str,
    chosen: list[Shift] | None = None,
) -> Message:
    message = message_create(
        actor=request.user,
        organisation=organisation,
        subject=data["subject"],
        body_markdown=data["body_markdown"],
        audience_kind=kind,
        audience_id=audience_id,
        audience_tag_id=tag.pk if tag else None,
        audience_shift_ids=[shift.pk for shift in chosen or ()],
        attachments=data["attachments"],
    )
    if action == "schedule":
        send_at = data["send_at"]
        message_schedule(actor=request.user, message_id=message.pk, send_at=send_at)
    else:
        message_send(actor=request.user, message_id=message.pk)
    return message


@login_required
def message_detail(request: AuthedHttpRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("organisation"), pk=message_id)
    if message.organisation is None:  # a mail about an account: nobody's to see
        raise Http404
    require_coordinator(request.user, message.organisation)
    counts = delivery_counts(message=message)
    context = {
        "message": message,
        "counts": [(label, counts[value]) for value, label in Delivery.Status.choices],
        "failures": delivery_failures(message=message),
        "attachments": message.attachments.all(),
    }
    return render(request, "messaging/detail.html", context)


@login_required
def preferences(request: AuthedHttpRequest) -> HttpResponse:
    """Which messages a person gets, by email and by SMS. Essential ones always go."""
    user = request.user
    sms = current_tenant().sms_enabled
    coordinator = bool(organisations_coordinated_by(user=user))
    form = PreferencesForm(
        request.POST or None,
        preferences=preferences_of(user=user),
        sms=sms,
        coordinator=coordinator,
    )
    if request.method == "POST" and form.is_valid():
        preferences_save(user=user, choices=form.choices())
        flash.success(request, _("Your choices are saved."))
        return redirect("messaging-preferences")
    context = {"form": form, "sms": sms, "has_phone": bool(user.phone)}
    return render(request, "messaging/preferences.html", context)


@csrf_exempt  # mail clients POST "List-Unsubscribe=One-Click" without a session or token
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners must not unsubscribe anyone); POST unsubscribes, no login."""
    try:
        target = unsubscribe_target(current_tenant(), token)
    except LinkExpired:
        return render(request, "messaging/unsubscribe.html", {"expired": True}, status=410)
    if target is None:
        return render(request, "messaging/unsubscribe.html", {"invalid": True}, status=400)
    user_id, kind = target
    context: dict[str, object] = {"kind_label": kind_label(kind)}
    if request.method == "POST":
        context["done"] = unsubscribe(user_id=user_id, kind=kind)
    return render(request, "messaging/unsubscribe.html", context)


def cancel_view(request: HttpRequest, token: str) -> HttpResponse:
    """The reminder's cancel link: GET shows the shift and one button (link scanners must
    not cancel anyone's place); POST cancels, without signing in. The link cancels only the
    sign-up it was made for, and only until its shift starts; after that the page says whom
    to tell instead."""
    target = cancel_target(current_tenant(), token)
    signup = _cancel_link_signup(target) if target is not None else None
    if signup is None:
        return render(request, "messaging/cancel.html", {"invalid": True}, status=400)
    context: dict[str, object] = {"signup": signup, "active": signup.status in SignUp.ACTIVE}
    if timezone.now() >= signup.shift.starts_at:
        context["too_late"] = True
        context["event"] = signup.shift.task.event
        return render(request, "messaging/cancel.html", context, status=410)
    if request.method == "POST" and context["active"]:
        try:
            signup_cancel(
                signup_id=signup.pk, actor=signup.user, reason=_("Cancelled from the reminder")
            )
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
        else:
            context["done"] = True
    return render(request, "messaging/cancel.html", context)


def _cancel_link_signup(target: CancelTarget) -> SignUp | None:
    signups = SignUp.objects.select_related("shift__task__event__organisation", "user")
    if target.signup_id is not None:
        return signups.filter(pk=target.signup_id).first()
    if target.shift_id is None or target.user_id is None:
        return None
    # A link mailed before links named their sign-up: the person's latest on that shift.
    latest = signups.filter(shift_id=target.shift_id, user_id=target.user_id).order_by("-pk")
    return latest.first()


def _event(request: AuthedHttpRequest, event_id: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("organisation"), pk=event_id)
    require_coordinator(request.user, event.organisation)
    return event


@login_required
def orientations(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    """An event's orientation mails: sent by themselves some days before each shift."""
    event = _event(request, event_id)
    form = OrientationForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            orientation_save(
                actor=request.user,
                event=event,
                task=data["task"],
                days_before=data["days_before"],
                subject=data["subject"],
                body_markdown=data["body_markdown"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            flash.success(request, _("The orientation mail is saved."))
            return redirect("messaging-orientations", event_id=event.pk)
    templates = OrientationTemplate.objects.filter(
        event=event
    ) | OrientationTemplate.objects.filter(task__event=event)
    context = {"event": event, "form": form, "templates": templates.select_related("task")}
    return render(request, "messaging/orientations.html", context)


@login_required
def orientation_toggle(request: AuthedHttpRequest, template_id: int) -> HttpResponse:
    template = get_object_or_404(
        OrientationTemplate.objects.select_related("event", "task"), pk=template_id
    )
    event = template.event or template.task.event  # type: ignore[union-attr]
    _event(request, event.pk)
    if request.method == "POST":
        orientation_save(
            actor=request.user, event=event, template=template, is_active=not template.is_active
        )
    return redirect("messaging-orientations", event_id=event.pk)


@login_required
def kinds_list(request: AuthedHttpRequest) -> HttpResponse:
    """Every kind of message the site sends: essential or not, by which channels, and who
    may switch it off, each with a preview."""
    require_site_admin(request)
    return render(request, "messaging/kinds.html", {"kinds": kernel_messages.kinds()})


@login_required
def kind_preview(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """One kind rendered from its example, in the site's language and time zone."""
    require_site_admin(request)
    try:
        kind = kernel_messages.kind(slug)
    except kernel_messages.UnknownKind:
        raise Http404 from None
    mail = preview(current_tenant(), kind)
    response = render(request, "messaging/kind_preview.html", {"kind": kind, "mail": mail})
    return allow_styles_of(response, mail.html)

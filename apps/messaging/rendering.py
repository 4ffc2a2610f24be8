"""The multipart mail (or the SMS text) for one delivery, in the tenant's branding and
language (bodies through kernel.markdown); and the signed links a mail carries."""

from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse

from apps.messaging.models import Delivery, Kind, Message
from apps.shifts.models import SignUp
from kernel import messages
from kernel.markdown import markdown_to_html
from tenants.models import Tenant
from tenants.selectors import current_tenant, primary_host, tenant_locale, tenant_url

UNSUBSCRIBE_SALT = "messaging.unsubscribe"
CANCEL_SALT = "messaging.cancel"
LAYOUT = "messaging/emails/message"  # the shared layout of written and Markdown mails
SMS = "messaging/emails/sms.txt"


class Mail(NamedTuple):
    subject: str
    text: str
    html: str


# The schema is in every salt, so a token from one tenant means nothing on another.
def unsubscribe_token(tenant: Tenant, user_id: int, kind: str = Kind.INFO) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=f"{UNSUBSCRIBE_SALT}:{tenant.schema_name}")


class LinkExpired(Exception):
    """A link of ours, signed rightly, whose time is over (the page says so, not "forged")."""


def unsubscribe_target(tenant: Tenant, token: str) -> tuple[int, str] | None:
    """(user id, kind) from an unsubscribe token, or None when it is not one of ours;
    LinkExpired when it is older than UNSUBSCRIBE_LINK_DAYS (links mailed before the limit
    existed carry their signing time too, so they end by the same rule)."""
    max_age = timedelta(days=settings.UNSUBSCRIBE_LINK_DAYS)
    try:
        data = signing.loads(
            token, salt=f"{UNSUBSCRIBE_SALT}:{tenant.schema_name}", max_age=max_age
        )
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not _switchable(data.get("k")):
        return None
    return int(data["u"]), str(data["k"])


def _switchable(slug: object) -> bool:
    try:
        return isinstance(slug, str) and messages.kind(slug).switchable
    except messages.UnknownKind:
        return False


class CancelTarget(NamedTuple):
    """What a cancel link names: one sign-up; or, for a link mailed before links named
    their sign-up, a shift and a person (accepted until that shift starts, like any)."""

    signup_id: int | None = None
    shift_id: int | None = None
    user_id: int | None = None


def cancel_token(tenant: Tenant, signup_id: int) -> str:
    """The reminder's cancel link names the sign-up itself, so it can never cancel another
    (the person's next sign-up on the same shift, say). It ends when the shift starts: the
    view looks at the shift's start now, so a moved shift moves the end too."""
    return signing.dumps({"g": signup_id}, salt=f"{CANCEL_SALT}:{tenant.schema_name}")


def cancel_target(tenant: Tenant, token: str) -> CancelTarget | None:
    """The sign-up (or old-style shift and person) of a cancel link; None if not ours."""
    try:
        data = signing.loads(token, salt=f"{CANCEL_SALT}:{tenant.schema_name}")
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    try:
        if "g" in data:
            return CancelTarget(signup_id=int(data["g"]))
        return CancelTarget(shift_id=int(data["s"]), user_id=int(data["u"]))
    except (KeyError, TypeError, ValueError):
        return None


def kind_label(slug: str) -> str:
    return str(messages.kind(slug).label)


def message_context(
    tenant: Tenant, message: Message, unsubscribe_url: str = "", cancel_url: str = ""
) -> dict:
    """What every mail's template gets besides its kind's own context."""
    return {
        "tenant": tenant,
        "message": message,
        "subject": message.subject,
        "body_markdown": message.body_markdown,
        "body_html": markdown_to_html(message.body_markdown),
        "unsubscribe_url": unsubscribe_url,
        "cancel_url": cancel_url,
        "kind_label": kind_label(message.kind),
    }


def attachment_payloads(message: Message) -> list[tuple[str, bytes, str]]:
    """(name, content, type) of each attachment, read once per batch: the files stored
    with a written message, or those its kind builds (an interview's calendar entry)."""
    payloads = []
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            payloads.append((attachment.name, handle.read(), attachment.content_type))
    built = messages.kind(message.kind).attachments
    if built is not None:
        with tenant_locale(current_tenant()):
            payloads.extend(built(message.params))
    return payloads


def _links(tenant: Tenant, delivery: Delivery) -> tuple[str, str]:
    message_kind = messages.kind(delivery.message.kind)
    unsubscribe = ""
    # No way out of an essential mail; a bare address (no user) has no preferences to keep.
    if message_kind.switchable and delivery.user_id is not None:
        slug = preference_slug(message_kind)
        token = unsubscribe_token(tenant, delivery.user_id, slug)
        unsubscribe = tenant_url(tenant, reverse("messaging-unsubscribe", args=[token]))
    cancel = ""
    if (
        delivery.message.kind == Kind.REMINDER
        and delivery.message.shift_id
        and delivery.user_id is not None
    ):
        signup_id = (
            SignUp.objects.filter(
                shift_id=delivery.message.shift_id,
                user_id=delivery.user_id,
                status__in=SignUp.ACTIVE,
            )
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if signup_id is not None:  # none left to cancel: the mail offers no link
            token = cancel_token(tenant, signup_id)
            cancel = tenant_url(tenant, reverse("messaging-cancel", args=[token]))
    return unsubscribe, cancel


def preference_slug(message_kind: messages.MessageKind) -> str:
    """The preference a kind obeys: its own, or the one it shares (a group's digest)."""
    return message_kind.preference or message_kind.slug


def rendered(
    tenant: Tenant,
    message: Message,
    unsubscribe: str = "",
    cancel: str = "",
    example: dict | None = None,
    address: str = "",
) -> Mail:
    """(subject, text, html) of a message, in the tenant's language and time zone; from
    its kind's context of the stored params, or from the kind's `example` for a preview.
    `address`: the recipient's, for a kind with a per-recipient context (a bare address)."""
    with tenant_locale(tenant):
        context = message_context(tenant, message, unsubscribe, cancel)
        message_kind = messages.kind(message.kind)
        # A stored subject wins: written kinds, and rows made before kinds were rendered
        # at delivery (their params are empty), still waiting in the outbox.
        if not message_kind.template or message.subject:
            context.update(_recipient_context(message, address) if example is None else {})
            return _in_layout(context)
        context.update(message_kind.context(message.params) if example is None else example)
        if example is None:
            context.update(_recipient_context(message, address))
        return _from_templates(message_kind.template, context)


def _recipient_context(message: Message, address: str) -> dict:
    """The kind's context for one bare address (its personal link), or nothing."""
    recipient = messages.kind(message.kind).recipient
    if recipient is None or not address:
        return {}
    return recipient(message.params, address)


def preview(tenant: Tenant, message_kind: messages.MessageKind) -> Mail:
    """A kind rendered from its example (unsaved instances): nothing is read or stored."""
    with tenant_locale(tenant):  # the example's moments are made in the tenant's zone
        example = message_kind.example()
    draft = Message(
        kind=message_kind.slug,
        subject=example.get("subject", ""),
        body_markdown=example.get("body_markdown", ""),
    )
    links = "#" if message_kind.switchable else ""
    return rendered(
        tenant, draft, links, "#" if message_kind.slug == Kind.REMINDER else "", example
    )


def _from_templates(base: str, context: dict) -> Mail:
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    text = render_to_string(f"{base}.txt", context)
    try:
        html = get_template(f"{base}.html")
    except TemplateDoesNotExist:  # a Markdown body, shown in the shared layout
        context.update(subject=subject, body_markdown=text, body_html=markdown_to_html(text))
        return _in_layout(context)
    return Mail(subject, text, html.render(context))


def _in_layout(context: dict) -> Mail:
    text = render_to_string(f"{LAYOUT}.txt", context)
    return Mail(context["subject"], text, render_to_string(f"{LAYOUT}.html", context))


def delivery_email(
    tenant: Tenant,
    delivery: Delivery,
    files: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
) -> EmailMultiAlternatives:
    """The mail for one recipient; its Message-ID is derived from the delivery, so a resend
    after a crash carries the same id (receivers may drop it, and it can be traced)."""
    unsubscribe, cancel = _links(tenant, delivery)
    mail = rendered(tenant, delivery.message, unsubscribe, cancel, address=_bare(delivery))
    email = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        to=[delivery.address],
        headers=_headers(tenant, delivery, unsubscribe),
    )
    email.attach_alternative(mail.html, "text/html")
    for name, content, content_type in files:
        email.attach(name, content, content_type)
    return email


def _headers(tenant: Tenant, delivery: Delivery, unsubscribe: str) -> dict[str, str]:
    domain = primary_host(tenant)
    headers = {"Message-ID": f"<delivery.{tenant.schema_name}.{delivery.pk}@{domain}>"}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if messages.kind(delivery.message.kind).bulk:
        headers["Precedence"] = "bulk"
    return headers


def _bare(delivery: Delivery) -> str:
    """The address of a delivery to someone without an account ("" for a user's)."""
    return delivery.address if delivery.user_id is None else ""


def delivery_sms_text(tenant: Tenant, delivery: Delivery) -> str:
    """Short: who it is from, what, when, and the link that matters (two segments at most
    for a typical reminder)."""
    cancel = _links(tenant, delivery)[1]
    address = _bare(delivery)
    subject = rendered(tenant, delivery.message, cancel=cancel, address=address).subject
    with tenant_locale(tenant):
        own = _recipient_context(delivery.message, address).get("link", "")
        link = cancel or own or tenant_url(tenant, reverse("my-shifts"))
        context = {"tenant": tenant, "subject": subject, "cancel_url": cancel, "link": link}
        return render_to_string(SMS, context).strip()

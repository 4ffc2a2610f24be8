"""The multipart mail (or the SMS text) for one delivery, in the tenant's branding and
language (bodies through kernel.markdown); and the signed links a mail carries."""

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.messaging.models import ESSENTIAL_KINDS, Delivery, Kind, Message
from kernel import dates
from kernel.markdown import markdown_to_html
from tenants.models import Tenant
from tenants.selectors import primary_host, tenant_locale, tenant_url

UNSUBSCRIBE_SALT = "messaging.unsubscribe"
CANCEL_SALT = "messaging.cancel"
BULK_KINDS = (Kind.INFO, Kind.ORIENTATION, Kind.GROUP, Kind.DIGEST)


# The schema is in every salt, so a token from one tenant means nothing on another.
def unsubscribe_token(tenant: Tenant, user_id: int, kind: str = Kind.INFO) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=f"{UNSUBSCRIBE_SALT}:{tenant.schema_name}")


def unsubscribe_target(tenant: Tenant, token: str) -> tuple[int, str] | None:
    """(user id, kind) from an unsubscribe token, or None when it is not one of ours."""
    try:
        data = signing.loads(token, salt=f"{UNSUBSCRIBE_SALT}:{tenant.schema_name}")
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in Kind.values:
        return None
    if data["k"] in ESSENTIAL_KINDS:
        return None
    return int(data["u"]), str(data["k"])


def cancel_token(tenant: Tenant, shift_id: int, user_id: int) -> str:
    return signing.dumps({"s": shift_id, "u": user_id}, salt=f"{CANCEL_SALT}:{tenant.schema_name}")


def cancel_target(tenant: Tenant, token: str) -> tuple[int, int] | None:
    """(shift id, user id) from a cancel link, or None when it is not one of ours."""
    try:
        data = signing.loads(token, salt=f"{CANCEL_SALT}:{tenant.schema_name}")
    except signing.BadSignature:
        return None
    return (int(data["s"]), int(data["u"])) if isinstance(data, dict) else None


def message_context(
    tenant: Tenant, message: Message, unsubscribe_url: str = "", cancel_url: str = ""
) -> dict:
    return {
        "tenant": tenant,
        "message": message,
        "body_html": markdown_to_html(message.body_markdown),
        "unsubscribe_url": unsubscribe_url,
        "cancel_url": cancel_url,
        "kind_label": Kind(message.kind).label,
    }


def attachment_payloads(message: Message) -> list[tuple[str, bytes, str]]:
    """(name, content, type) of each attachment, read once per batch."""
    payloads = []
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            payloads.append((attachment.name, handle.read(), attachment.content_type))
    return payloads


def _links(tenant: Tenant, delivery: Delivery) -> tuple[str, str]:
    unsubscribe = ""
    if delivery.message.kind not in ESSENTIAL_KINDS:  # no way out of an essential mail
        token = unsubscribe_token(tenant, delivery.user_id, delivery.message.kind)
        unsubscribe = tenant_url(tenant, reverse("messaging-unsubscribe", args=[token]))
    cancel = ""
    if delivery.message.kind == Kind.REMINDER and delivery.message.shift_id:
        token = cancel_token(tenant, delivery.message.shift_id, delivery.user_id)
        cancel = tenant_url(tenant, reverse("messaging-cancel", args=[token]))
    return unsubscribe, cancel


def delivery_email(
    tenant: Tenant,
    delivery: Delivery,
    files: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
) -> EmailMultiAlternatives:
    """The mail for one recipient; its Message-ID is derived from the delivery, so a resend
    after a crash carries the same id (receivers may drop it, and it can be traced)."""
    unsubscribe, cancel = _links(tenant, delivery)
    with tenant_locale(tenant):
        context = message_context(tenant, delivery.message, unsubscribe, cancel)
        body = render_to_string("emails/message.txt", context)
        html = render_to_string("emails/message.html", context)
    domain = primary_host(tenant)
    headers = {"Message-ID": f"<delivery.{tenant.schema_name}.{delivery.pk}@{domain}>"}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if delivery.message.kind in BULK_KINDS:
        headers["Precedence"] = "bulk"
    mail = EmailMultiAlternatives(
        subject=delivery.message.subject, body=body, to=[delivery.address], headers=headers
    )
    mail.attach_alternative(html, "text/html")
    for name, content, content_type in files:
        mail.attach(name, content, content_type)
    return mail


def delivery_sms_text(tenant: Tenant, delivery: Delivery) -> str:
    """Short: who it is from, what, when, and the link that matters (two segments at most
    for a typical reminder)."""
    message = delivery.message
    shift = message.shift
    with tenant_locale(tenant):
        when = ""
        if shift is not None:
            local = timezone.localtime(shift.starts_at)
            when = dates.show(local, "short_datetime")
        link = _links(tenant, delivery)[1] or tenant_url(tenant, reverse("my-shifts"))
        return render_to_string(
            "emails/sms.txt", {"tenant": tenant, "message": message, "when": when, "link": link}
        ).strip()

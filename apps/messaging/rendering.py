"""Markdown in, safe HTML out; and the multipart mail for one delivery, in tenant branding."""

import markdown  # type: ignore[import-untyped]
import nh3
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from apps.messaging.models import Delivery, Message
from tenants.models import Tenant
from tenants.selectors import tenant_url

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
UNSUBSCRIBE_SALT = "messaging.unsubscribe"


def markdown_to_html(text: str) -> str:
    """Render Markdown, then keep only a small allow-list of tags (raw HTML is dropped)."""
    html = markdown.markdown(text, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def unsubscribe_token(tenant: Tenant, user_id: int) -> str:
    # The schema is in the salt, so a token from one tenant means nothing on another.
    return signing.dumps(
        {"u": user_id, "k": "info"}, salt=f"{UNSUBSCRIBE_SALT}:{tenant.schema_name}"
    )


def unsubscribe_user_id(tenant: Tenant, token: str) -> int | None:
    try:
        data = signing.loads(token, salt=f"{UNSUBSCRIBE_SALT}:{tenant.schema_name}")
    except signing.BadSignature:
        return None
    return int(data["u"]) if isinstance(data, dict) and data.get("k") == "info" else None


def message_context(tenant: Tenant, message: Message, unsubscribe_url: str = "") -> dict:
    return {
        "tenant": tenant,
        "message": message,
        "body_html": markdown_to_html(message.body_markdown),
        "unsubscribe_url": unsubscribe_url,
    }


def delivery_email(tenant: Tenant, delivery: Delivery) -> EmailMultiAlternatives:
    """The mail for one recipient; its Message-ID is derived from the delivery, so a resend
    after a crash carries the same id (receivers may drop it, and it can be traced)."""
    path = reverse("messaging-unsubscribe", args=[unsubscribe_token(tenant, delivery.user_id)])
    url = tenant_url(tenant, path)
    with translation.override(tenant.locale):
        context = message_context(tenant, delivery.message, url)
        body = render_to_string("emails/message.txt", context)
        html = render_to_string("emails/message.html", context)
    domain = tenant.get_primary_domain().domain
    mail = EmailMultiAlternatives(
        subject=delivery.message.subject,
        body=body,
        to=[delivery.email],
        headers={
            "Message-ID": f"<delivery.{tenant.schema_name}.{delivery.pk}@{domain}>",
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Precedence": "bulk",
        },
    )
    mail.attach_alternative(html, "text/html")
    return mail

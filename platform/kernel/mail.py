"""Templated mails: `<name>_subject.txt`, `<name>.txt` and, where it exists, `<name>.html`."""

from collections.abc import Mapping
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string


def send_templated_mail(
    name: str,
    context: Mapping[str, Any],
    to: list[str],
    attach: tuple[str, Any, str] | None = None,
) -> None:
    """Render and send one mail in the language active now (callers override the tenant's)."""
    subject = render_to_string(f"{name}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{name}.txt", context), to=to
    )
    try:
        html = get_template(f"{name}.html")
    except TemplateDoesNotExist:
        html = None  # plain-text mails have no HTML template
    if html is not None:
        message.attach_alternative(html.render(dict(context)), "text/html")
    if attach is not None:
        message.attach(*attach)
    message.send()

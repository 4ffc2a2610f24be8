"""`{% load privacy_export %}{% data_export_section %}`: the account page's "My data" part,
so apps.accounts shows the state of an export without importing apps.privacy."""

from typing import Any

from django import template

from apps.privacy.selectors import my_exports
from apps.privacy.services.export import may_answer_requests

register = template.Library()


@register.inclusion_tag("privacy/export_account_section.html", takes_context=True)
def data_export_section(context: template.Context) -> dict[str, Any]:
    user = context["user"]
    exports = my_exports(user=user, limit=1)
    return {
        "export": exports[0] if exports else None,
        "staff": may_answer_requests(staff=user),
        "csrf_token": context.get("csrf_token", ""),
    }

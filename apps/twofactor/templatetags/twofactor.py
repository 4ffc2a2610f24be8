"""`{% load twofactor %}{% twofactor_section %}`: the account page's "Two-factor sign-in"
part, so apps.accounts shows it without importing apps.twofactor."""

from typing import Any

from django import template

from apps.twofactor.selectors import has_second_factor

register = template.Library()


@register.inclusion_tag("twofactor/account_section.html", takes_context=True)
def twofactor_section(context: template.Context) -> dict[str, Any]:
    return {"on": has_second_factor(user=context["user"])}

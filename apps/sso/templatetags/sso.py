from django import template

from apps.sso.models import Provider
from apps.sso.selectors import enabled_providers

register = template.Library()


@register.simple_tag
def sso_providers() -> list[Provider]:
    """The sign-in page's buttons: accounts (a lower layer) includes sso/buttons.html
    without importing this app."""
    return list(enabled_providers())

from django import template

from apps.credentials.formatting import show_hours

register = template.Library()


@register.filter
def hours(value: object) -> str:
    """Decimal hours in the active language ("12,5" / "12.5"): formatting.show_hours."""
    return show_hours(value)

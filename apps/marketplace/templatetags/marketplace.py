from django import template

from apps.shifts import selectors
from apps.shifts.models import Event

register = template.Library()


@register.filter
def event_url(event: Event) -> str:
    return selectors.event_url(event=event)

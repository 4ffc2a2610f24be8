from django import template
from django.http import HttpRequest

from apps.shifts.models import Event
from apps.shifts.selectors import event_url

register = template.Library()


@register.filter
def event_url_absolute(event: Event, request: HttpRequest) -> str:
    """The full event page on the tenant's own host: the embed page lives on other sites."""
    return request.build_absolute_uri(event_url(event=event))

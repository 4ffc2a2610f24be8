"""iCalendar feeds (RFC 5545). Filled in by apps.shifts.calendars."""

from django.http import Http404, HttpRequest, HttpResponse


def personal_feed(request: HttpRequest, token: object) -> HttpResponse:
    raise Http404


def personal_feed_reset(request: HttpRequest) -> HttpResponse:
    raise Http404


def shift_ics(request: HttpRequest, shift_id: int) -> HttpResponse:
    raise Http404


def public_feed(request: HttpRequest) -> HttpResponse:
    raise Http404

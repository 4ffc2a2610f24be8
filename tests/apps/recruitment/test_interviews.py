"""Interviews: booked by a coordinator; the applicant gets an invitation with an .ics file."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from apps.recruitment.calendars import interview_calendar
from apps.recruitment.models import Application
from apps.recruitment.services._common import Refused
from apps.recruitment.services.interviews import interview_schedule
from apps.recruitment.services.pipeline import application_move
from tests.personas import in_days
from tests.rfc5545 import assert_valid_calendar

pytestmark = pytest.mark.django_db

S = Application.Status


def book(application, actor, **extra):
    start = in_days(3, 16)
    fields = {"starts_at": start, "ends_at": start + timedelta(minutes=45), "place": "Bådhuset"}
    return interview_schedule(actor=actor, application=application, **{**fields, **extra})


def test_booking_from_screening_moves_to_interview_and_mails_an_ics(
    application, rasmus, django_capture_on_commit_callbacks
):
    application_move(actor=rasmus, application=application, to=S.SCREENING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        interview = book(application, rasmus, note="Bring your rowing shoes.")
    application.refresh_from_db()
    assert application.status == S.INTERVIEW
    assert application.events.last().actor == rasmus
    (message,) = mail.outbox
    assert message.to == ["frida@example.dk"]
    assert "Rowing coach" in message.subject and "Bring your rowing shoes." in message.body
    ((name, content, mimetype),) = message.attachments
    assert name == "interview.ics" and mimetype.startswith("text/calendar")
    calendar = assert_valid_calendar(content)
    assert calendar["method"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert event["uid"].startswith(f"interview-{interview.pk}@")
    assert event["location"] == "Bådhuset"
    assert event.decoded("dtstart") == interview.starts_at
    assert str(event["attendee"]) == "mailto:frida@example.dk"
    assert str(event["organizer"]) == "mailto:rasmus@example.dk"
    interview.refresh_from_db()
    assert interview.invitation_sent_at is not None


def test_booking_is_refused_too_early_in_the_past_or_backwards(application, rasmus):
    with pytest.raises(Refused, match="screening or interview"):
        book(application, rasmus)
    application_move(actor=rasmus, application=application, to=S.SCREENING)
    with pytest.raises(Refused):
        book(application, rasmus, starts_at=in_days(-1), ends_at=in_days(-1) + timedelta(hours=1))
    with pytest.raises(Refused):
        book(application, rasmus, ends_at=in_days(3, 15))


def test_a_stranger_coordinator_cannot_book(application, kim):
    with pytest.raises(PermissionDenied):
        book(application, kim)


def test_it_names_the_site_as_organiser_when_the_coordinators_account_is_gone(application, rasmus):
    application_move(actor=rasmus, application=application, to=S.SCREENING)
    interview = book(application, rasmus)
    interview.organiser = None
    calendar = assert_valid_calendar(interview_calendar(interview=interview))
    (event,) = calendar.walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:noreply@tovholder.dk"
    assert event["ORGANIZER"].params["CN"] == "Nyborg Kommune"

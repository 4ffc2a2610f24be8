from django.core.exceptions import PermissionDenied, ValidationError


class Refused(ValidationError):
    """A matching rule said no; the message is for the person, in their language."""


class NotTheVolunteer(PermissionDenied):
    """Only the volunteer a match was proposed to may answer it (404 on the web)."""

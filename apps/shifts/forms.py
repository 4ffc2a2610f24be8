"""Forms of the coordinators' planning pages. They parse and explain; the services decide."""

from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.shifts.models import Event, Shift, Task
from apps.shifts.services.planning import EventChanges, EventDetails
from kernel.forms import DayField, MomentField, bound

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
MAX_IMAGE_BYTES = 5 * 1024 * 1024


class LocalDateTimeInput(forms.DateTimeInput):
    """A datetime-local input; Django shows and reads it in the tenant's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=LOCAL_MINUTE)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def local_datetime_field(label: Any, *, required: bool = True, **extra: Any) -> MomentField:
    return MomentField(label=label, required=required, widget=LocalDateTimeInput, **extra)


class EventForm(forms.ModelForm):
    """An event's own fields. The organisation is chosen only when the event is new."""

    starts_at = local_datetime_field(_("Starts"))
    ends_at = local_datetime_field(_("Ends"))

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "image",
            "image_alt",
            "category",
            "location_name",
            "address",
            "postcode",
            "area",
            "starts_at",
            "ends_at",
            "visibility",
            "suitable_without_experience",
            "contact_name",
            "contact_email",
            "contact_phone",
            "reminder_hours",
        ]
        labels = {
            "title": _("Title"),
            "description": _("Description"),
            "image": _("Image"),
            "image_alt": _("Image description"),
            "category": _("Category"),
            "location_name": _("Place"),
            "address": _("Address"),
            "postcode": _("Postcode"),
            "area": _("Area"),
            "visibility": _("Who can see it"),
            "suitable_without_experience": _("Suitable without experience"),
            "contact_name": _("Contact person"),
            "contact_email": _("Contact email"),
            "contact_phone": _("Contact phone"),
            "reminder_hours": _("Reminder, hours before each shift"),
        }
        help_texts = {
            "reminder_hours": _("Empty: the site's default. 0: no reminders for this event."),
            "image": _("A photo or poster, at most 5 MB."),
            "image_alt": _(
                "What the image shows, for people who cannot see it (read aloud by screen "
                "readers). Leave it empty if the image only decorates."
            ),
            "area": _("A town or part of town, used by the marketplace filter."),
            "visibility": _(
                "Members only: the organisation's members, once signed in; others who sign in "
                "can ask to join, and the organisation's coordinators approve them. Only with "
                "the link: people you give the secret link to."
            ),
        }
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "image": forms.ClearableFileInput(attrs={"accept": "image/*"}),
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        bound(self.fields["reminder_hours"], max_value=336)  # two weeks; a smallint column
        self.fields["category"].empty_label = _("No category")  # type: ignore[attr-defined]
        if organisations is not None:  # a new event: whose is it?
            self.fields = {
                "organisation": forms.ModelChoiceField(
                    label=_("Organiser"),
                    queryset=organisations,
                    empty_label=None,
                ),
                **self.fields,
            }

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile) and (image.size or 0) > MAX_IMAGE_BYTES:
            raise ValidationError(_("The image is too large: at most 5 MB, please."))
        return image

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        return data

    def event_details(self) -> EventDetails:
        """For event_create: every field but the title and the times (passed by name)."""
        names = [n for n in self.Meta.fields if n not in ("title", "starts_at", "ends_at")]
        return cast(EventDetails, self._fields(names))

    def event_changes(self) -> EventChanges:
        """For event_update / event_reschedule: the fields the person changed."""
        return cast(EventChanges, self._fields(self.Meta.fields, only_changed=True))

    def _fields(self, names: list[str], *, only_changed: bool = False) -> dict[str, Any]:
        chosen = [n for n in names if not only_changed or n in self.changed_data]
        fields = {name: self.cleaned_data[name] for name in chosen}
        if "image" not in fields:
            return fields
        if fields["image"] is False:  # "clear" ticked: no image
            fields["image"] = ""
        elif fields["image"] is None:
            fields.pop("image")
        return fields


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "description", "meeting_point", "min_age", "skills", "needs_child_check"]
        labels = {
            "title": _("Task"),
            "description": _("What to do"),
            "meeting_point": _("Meeting point"),
            "min_age": _("Minimum age"),
            "skills": _("Skills needed"),
            "needs_child_check": _("Needs a child-protection check"),
        }
        help_texts = {
            "title": _("A short name, for example Kiosk or Parking."),
            "min_age": _("Leave empty when there is no age limit."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "min_age": forms.NumberInput(attrs={"min": 0, "max": 120, "inputmode": "numeric"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound(self.fields["min_age"], max_value=120)  # the widget said so; now the form does


class ShiftForm(forms.Form):
    """One shift, or a daily or weekly series of the same length until a date."""

    ONCE, DAILY, WEEKLY = "once", "daily", "weekly"
    EVERY = {DAILY: timedelta(days=1), WEEKLY: timedelta(days=7)}
    field_order = ["starts_at", "ends_at", "repeat", "until", "capacity"]

    starts_at = local_datetime_field(_("Starts"))
    ends_at = local_datetime_field(_("Ends"))
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=10_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    signup_deadline = local_datetime_field(
        _("Sign-up deadline"),
        required=False,
        help_text=_(
            "Optional. In a series, each shift closes as long before its start as the first."
        ),
    )
    waitlist_policy = forms.ChoiceField(
        label=_("When a place becomes free"),
        choices=Shift.Policy.choices,
        initial=Shift.Policy.PROMOTE,
    )
    offer_hours = forms.IntegerField(
        label=_("Hours to accept an offer"),
        min_value=1,
        max_value=168,
        initial=12,
        help_text=_("Used when the place is offered for a limited time."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    repeat = forms.ChoiceField(
        label=_("Repeat"),
        choices=[
            (ONCE, _("No, one shift")),
            (DAILY, _("Every day")),
            (WEEKLY, _("Every week")),
        ],
        initial=ONCE,
    )
    until = DayField(
        label=_("Repeat until"),
        required=False,
        widget=DateInput,
        help_text=_("Only for a series: its last day, included."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        _check_shift_times(self, data)
        if data.get("repeat", self.ONCE) != self.ONCE:
            self._clean_series(data)
        return data

    def _clean_series(self, data: dict[str, Any]) -> None:
        until, starts = data.get("until"), data.get("starts_at")
        if not until:
            self.add_error("until", _("Choose the last day of the series."))
        elif starts and until < timezone.localtime(starts).date():
            self.add_error("until", _("The last day cannot be before the first shift."))

    def series_end(self) -> datetime | None:
        """The end of the `until` day in local time, or None for a single shift."""
        until: date | None = self.cleaned_data.get("until")
        if self.cleaned_data["repeat"] == self.ONCE or until is None:
            return None
        return timezone.make_aware(datetime.combine(until, time.max))

    def every(self) -> timedelta:
        return self.EVERY[self.cleaned_data["repeat"]]

    def closes_before(self) -> timedelta | None:
        """For a series: how long before each shift sign-up closes, taken from the first."""
        deadline = self.cleaned_data.get("signup_deadline")
        return self.cleaned_data["starts_at"] - deadline if deadline else None


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Places"), min_value=0, max_value=10_000)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        help_text=_("Sent to everyone who is told."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CopyEventForm(forms.Form):
    starts_on = DayField(
        label=_("New start date"),
        widget=DateInput,
        help_text=_("Tasks and shifts move along with the event, at the same times of day."),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event

    def new_start(self) -> datetime:
        local = timezone.localtime(self.event.starts_at)
        naive = datetime.combine(self.cleaned_data["starts_on"], local.time())
        return timezone.make_aware(naive)


class AddPersonForm(forms.Form):
    email = forms.EmailField(
        label=_("Email of the person to add"),
        help_text=_("The person must already have an account here."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


def _check_shift_times(form: forms.Form, data: dict[str, Any]) -> None:
    """A shift ends after it starts, and sign-up closes before it starts (new and moved)."""
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts and ends and ends <= starts:
        form.add_error("ends_at", _("A shift must end after it starts."))
    deadline = data.get("signup_deadline")
    if deadline and starts and deadline > starts:
        form.add_error("signup_deadline", _("The deadline must be before the shift starts."))


class ShiftTimeForm(forms.Form):
    """A shift's new times (services.changes.shift_reschedule tells the people on it)."""

    starts_at = local_datetime_field(_("Starts"))
    ends_at = local_datetime_field(_("Ends"))
    signup_deadline = local_datetime_field(_("Sign-up deadline"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        _check_shift_times(self, data)
        return data

    def times_changed(self, shift: Shift) -> bool:
        data = self.cleaned_data
        return (data["starts_at"], data["ends_at"]) != (shift.starts_at, shift.ends_at)

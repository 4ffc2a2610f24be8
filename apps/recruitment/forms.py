"""Forms of recruitment. They parse and explain; the services decide."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.members.forms import AVAILABILITY_CHOICES
from apps.organisations.models import Organisation
from apps.organisations.selectors import COORDINATING_ROLES
from apps.recruitment.models import Posting, RecordCheck
from apps.shifts.forms import DateInput, local_datetime_field
from kernel.forms import DayField, bound


def availability_labels(codes: list[str]) -> list[str]:
    labels = dict(AVAILABILITY_CHOICES)
    return [str(labels[code]) for code in codes if code in labels]


class PostingForm(forms.ModelForm):
    class Meta:
        model = Posting
        fields = [
            "title",
            "description",
            "skills",
            "hours_per_month",
            "place",
            "contact_person",
            "opens_on",
            "closes_on",
            "needs_criminal_record_check",
            "needs_child_check",
        ]
        labels = {
            "title": _("Title"),
            "description": _("Description"),
            "skills": _("Skills wanted"),
            "hours_per_month": _("Hours a month"),
            "place": _("Place"),
            "contact_person": _("Contact person"),
            "opens_on": _("Open from"),
            "closes_on": _("Apply by"),
            "needs_criminal_record_check": _("Needs a criminal-record check"),
            "needs_child_check": _("Needs a child-protection check"),
        }
        widgets = {"opens_on": DateInput, "closes_on": DateInput}
        field_classes = {"opens_on": DayField, "closes_on": DayField}

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )
    field_order = ["organisation"]

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound(self.fields["hours_per_month"], max_value=744)  # a smallint column
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        people = User.objects.filter(
            Q(roles__organisation__in=organisations, roles__role__in=COORDINATING_ROLES)
            | Q(is_owner_admin=True),
            is_active=True,
        ).distinct()
        self.fields["contact_person"].queryset = people.order_by("full_name")  # type: ignore[attr-defined]


class ApplicationForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why would you like to help?"), widget=forms.Textarea(attrs={"rows": 5})
    )
    skills = forms.CharField(
        label=_("Skills and experience"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    availability = forms.MultipleChoiceField(
        label=_("When can you help?"),
        choices=AVAILABILITY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label=_(
            "I accept that the organisation stores my application and contact details to handle it."
        ),
        required=True,
    )


class MoveForm(forms.Form):
    to = forms.CharField(max_length=10)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000)


class InterviewForm(forms.Form):
    starts_at = local_datetime_field(_("Starts"))
    ends_at = local_datetime_field(_("Ends"))
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    note = forms.CharField(
        label=_("Message to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DateForm(forms.Form):
    on = DayField(label=_("Date"), required=False, widget=DateInput)


class TrialEndForm(forms.Form):
    ends_on = DayField(label=_("Trial period ends"), widget=DateInput)


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label=_("Check"), choices=RecordCheck.Kind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=RecordCheck.Status.choices)
    checked_on = DayField(label=_("Checked on"), required=False, widget=DateInput)


class MeetingForm(forms.Form):
    held_on = DayField(label=_("Held on"), widget=DateInput)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PolicyForm(forms.Form):
    check_renewal_months = forms.IntegerField(
        label=_("Renew criminal-record and child-protection checks after (months)"),
        min_value=12,
        max_value=24,
    )
    trial_months = forms.IntegerField(label=_("Trial period (months)"), min_value=1, max_value=12)
    agreement_text = forms.CharField(
        label=_("Collaboration agreement"),
        help_text=_("Merge fields: {{name}}, {{organisation}}, {{start}}, {{contact}}."),
        widget=forms.Textarea(attrs={"rows": 10}),
    )

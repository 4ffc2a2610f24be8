from django import forms
from django.utils.translation import gettext_lazy as _

from apps.messaging.models import (
    ESSENTIAL_KINDS,
    SMS_KINDS,
    Kind,
    Message,
    OrientationTemplate,
    Preference,
)
from apps.shifts.models import Task
from kernel.attachments import MultipleFileField


class MessageForm(forms.ModelForm):
    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    attachments = MultipleFileField(
        label=_("Attachments (PDF, images, Office documents; at most 5 files, 10 MB)"),
        required=False,
    )

    class Meta:
        model = Message
        fields = ["subject", "body_markdown"]
        widgets = {"body_markdown": forms.Textarea(attrs={"rows": 12})}


class PreferencesForm(forms.Form):
    """One email and one SMS checkbox per kind; SMS only for kinds it is used for, and
    only when the site sends SMS."""

    def __init__(
        self, *args, preferences: dict[str, Preference], sms: bool, coordinator: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind in Kind:
            if kind in ESSENTIAL_KINDS or (kind == Kind.UNFILLED and not coordinator):
                continue
            current = preferences[kind.value]
            self.fields[f"{kind.value}_email"] = forms.BooleanField(
                label=_("Email"), required=False, initial=current.email
            )
            row = {"label": kind.label, "email": self[f"{kind.value}_email"], "sms": None}
            if sms and kind in SMS_KINDS:
                self.fields[f"{kind.value}_sms"] = forms.BooleanField(
                    label=_("Text message"), required=False, initial=current.sms
                )
                row["sms"] = self[f"{kind.value}_sms"]
            self.rows.append(row)

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {
            kind: (data[f"{kind}_email"], data.get(f"{kind}_sms", False))
            for kind in Kind.values
            if f"{kind}_email" in data
        }


class OrientationForm(forms.ModelForm):
    task = forms.ModelChoiceField(
        label=_("Only for the task"),
        queryset=Task.objects.none(),
        required=False,
        empty_label=_("Every task of the event"),
    )

    class Meta:
        model = OrientationTemplate
        fields = ["task", "days_before", "subject", "body_markdown"]
        widgets = {"body_markdown": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = Task.objects.filter(event=event)  # type: ignore[attr-defined]
        self.fields["days_before"].min_value = 1  # type: ignore[attr-defined]

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.messaging.models import Message, OrientationTemplate, Preference
from apps.messaging.selectors import switchable_kinds
from apps.shifts.models import Task
from kernel import messages
from kernel.attachments import MultipleFileField
from kernel.forms import MomentField, bound


class MessageForm(forms.ModelForm):
    send_at = MomentField(
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
    """One email and one SMS checkbox per kind the person may switch off; SMS only for
    kinds it is used for, and only when the site sends SMS."""

    def __init__(
        self, *args, preferences: dict[str, Preference], sms: bool, coordinator: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.rows = [
            self._row(kind, preferences[kind.slug], sms)
            for kind in switchable_kinds(coordinator=coordinator)
        ]

    def _row(self, kind: messages.MessageKind, current: Preference, sms: bool) -> dict:
        self.fields[f"{kind.slug}_email"] = forms.BooleanField(
            label=_("Email"), required=False, initial=current.email
        )
        row = {"label": kind.label, "email": self[f"{kind.slug}_email"], "sms": None}
        if sms and "sms" in kind.channels:
            self.fields[f"{kind.slug}_sms"] = forms.BooleanField(
                label=_("Text message"), required=False, initial=current.sms
            )
            row["sms"] = self[f"{kind.slug}_sms"]
        return row

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {
            kind.slug: (data[f"{kind.slug}_email"], data.get(f"{kind.slug}_sms", False))
            for kind in messages.kinds()
            if f"{kind.slug}_email" in data
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
        bound(self.fields["days_before"], max_value=365)  # a smallint column

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.messaging.models import Message


class MessageForm(forms.ModelForm):
    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = Message
        fields = ["subject", "body_markdown"]
        widgets = {"body_markdown": forms.Textarea(attrs={"rows": 12})}

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.reserve.models import Callout


class JoinForm(forms.Form):
    """The volunteer's channels; SMS (and its phone field) only where the site sends SMS."""

    email = forms.BooleanField(label=_("By email"), required=False, initial=True)
    sms = forms.BooleanField(label=_("By text message"), required=False)
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=30,
        help_text=_("Needed for text messages."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, sms_enabled: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not sms_enabled:
            del self.fields["sms"]
            del self.fields["phone"]


class CalloutForm(forms.ModelForm):
    class Meta:
        model = Callout
        fields = ["title", "place", "when", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3, "maxlength": 1000})}
        help_texts = {
            "title": _("What help is needed, in a few words."),
            "when": _("For example: today from 16:00."),
        }


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")])

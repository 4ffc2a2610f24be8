from django import forms
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from apps.members.models import AVAILABILITY_CODES, Tag

DAY_LABELS = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
    "sat": _("Saturday"),
    "sun": _("Sunday"),
}
PART_LABELS = {"morning": _("morning"), "afternoon": _("afternoon"), "evening": _("evening")}
# Day names are lower case, as in dates ("onsdag 6. januar"); a label starts with a capital.
# Lazy, so each visitor reads them in their own language (an f-string would fix them at import).
AVAILABILITY_CHOICES = [
    (code, format_lazy("{} {}", capfirst(DAY_LABELS[code[:3]]), PART_LABELS[code[4:]]))
    for code in AVAILABILITY_CODES
]


def _tags(kind: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Tag.objects.filter(kind=kind), required=False, widget=forms.CheckboxSelectMultiple
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    birth_year = forms.IntegerField(
        label=_("Birth year"),
        min_value=1900,
        max_value=2100,
        required=False,
        help_text=_("Only used for tasks with a minimum age."),
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    area = forms.CharField(label=_("Area"), max_length=100, required=False)
    skills = _tags(Tag.Kind.SKILL)
    interests = _tags(Tag.Kind.INTEREST)
    languages = _tags(Tag.Kind.LANGUAGE)
    availability = forms.MultipleChoiceField(
        choices=AVAILABILITY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # PositiveSmallIntegerFields: without a bound, 99999 failed in the database (a 500).
    max_shifts_per_month = forms.IntegerField(
        label=_("Most shifts a month"), min_value=0, max_value=100, required=False
    )
    max_hours_per_month = forms.IntegerField(
        label=_("Most hours a month"), min_value=0, max_value=744, required=False
    )
    emergency_contact_name = forms.CharField(
        label=_("Emergency contact"), max_length=200, required=False
    )
    emergency_contact_phone = forms.CharField(
        label=_("Emergency phone"), max_length=30, required=False
    )
    pause = forms.BooleanField(label=_("Pause me: I do not want new tasks for now"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].label = _("Skills")
        self.fields["interests"].label = _("Interests")
        self.fields["languages"].label = _("Languages")
        self.fields["availability"].label = _("When are you usually free?")


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person to add"))
    full_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("For someone new here: they get an account and a sign-in link by email."),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

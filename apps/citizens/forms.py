"""Forms of citizen matching. Each field of the referral says why it is asked: the data are
about a person who is not in the room, so the form itself explains the minimum."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from apps.citizens.models import CitizenMatch, Programme, Referral, default_checkin_months
from apps.members.forms import AVAILABILITY_CHOICES
from apps.organisations.models import Organisation
from apps.shifts.forms import DateInput, local_datetime_field
from kernel.forms import DayField

CHECKIN_CHOICES = (1, 2, 3, 6, 9, 12)


class ProgrammeForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )
    required_steps = forms.MultipleChoiceField(
        label=_("Required before a volunteer can be proposed"),
        choices=Programme.Step.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Steps of the onboarding checklist the volunteer must have done."),
    )
    checkin_months = forms.TypedMultipleChoiceField(
        label=_("Follow-up check-ins"),
        coerce=int,
        choices=[
            (m, ngettext_lazy("%(months)d month", "%(months)d months", "months") % {"months": m})
            for m in CHECKIN_CHOICES
        ],
        initial=default_checkin_months,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("How long after a match has started the coordinator checks in."),
    )

    class Meta:
        model = Programme
        fields = [
            "name",
            "description",
            "funder",
            "grant_starts_on",
            "grant_ends_on",
            "allows_self_referral",
        ]
        labels = {
            "allows_self_referral": _("Citizens may refer themselves"),
            "name": _("Name"),
            "description": _("Description"),
            "funder": _("Funder (optional)"),
            "grant_starts_on": _("Grant period starts"),
            "grant_ends_on": _("Grant period ends"),
        }
        help_texts = {
            "allows_self_referral": _(
                "Shows the programme in the public form where a citizen can ask for a "
                "volunteer without an account."
            ),
            "name": _("E.g. befriending visitor, mentor, IT help, homework help."),
            "funder": _("The foundation or authority that funds the programme, for its reports."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "grant_starts_on": DateInput,
            "grant_ends_on": DateInput,
        }
        field_classes = {"grant_starts_on": DayField, "grant_ends_on": DayField}

    field_order = ["organisation"]

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        self.fields["organisation"].queryset = queryset  # type: ignore[attr-defined]


class ReferralForm(forms.ModelForm):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        label=_("Programme"),
        help_text=_("Which kind of volunteer the citizen would like."),
    )
    availability = forms.MultipleChoiceField(
        label=_("When the citizen is usually free"),
        choices=AVAILABILITY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("To find a volunteer who is free at the same times."),
    )
    special_category = forms.CharField(
        label=_("Health or other sensitive information (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only what the volunteer's coordinator must know to make a safe match, e.g. a "
            "diagnosis that matters for the visits. It is encrypted, only the programme's "
            "coordinators can read it, every reading is logged, and the volunteer never sees it."
        ),
    )

    class Meta:
        model = Referral
        fields = [
            "first_name",
            "age_band",
            "postcode",
            "languages",
            "interests",
            "practical_needs",
            "availability",
            "note",
            "basis",
            "basis_note",
        ]
        labels = {
            "first_name": _("First name or alias"),
            "age_band": _("Age"),
            "postcode": _("Postcode"),
            "languages": _("Languages the citizen speaks"),
            "interests": _("Wishes and interests"),
            "practical_needs": _("Practical needs"),
            "note": _("Note to the coordinator"),
            "basis": _("Legal basis"),
            "basis_note": _("The legal basis as stated"),
        }
        help_texts = {
            "first_name": _(
                "What the volunteer may call the citizen. No surname and no CPR number."
            ),
            "age_band": _("An age band, not a birth date: enough to find a fitting volunteer."),
            "postcode": _("To find a volunteer who lives nearby. No street address."),
            "languages": _("Separate with commas, e.g. Danish, Arabic. To find a shared language."),
            "interests": _(
                "Separate with commas, e.g. walks, chess, cooking. To find something in common."
            ),
            "practical_needs": _(
                "E.g. wheelchair, hard of hearing, no stairs. So the volunteer can plan the "
                "meetings; the volunteer sees this."
            ),
            "note": _(
                "Anything else the coordinator needs to know. The volunteer does not see it. "
                "Put nothing about health here: use the encrypted field below."
            ),
            "basis": _(
                "Why we may keep these data: the citizen's explicit consent, or the referring "
                "authority's own legal basis."
            ),
            "basis_note": _(
                "E.g. who gave consent and how, or the provision the authority refers under."
            ),
        }
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "postcode": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}
            ),
            "basis": forms.RadioSelect,
        }

    field_order = ["programme"]

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"

    def clean_postcode(self) -> str:
        postcode = str(self.cleaned_data["postcode"]).strip()
        if not (len(postcode) == 4 and postcode.isdigit()):
            raise forms.ValidationError(_("Write a Danish postcode: four digits."))
        return postcode

    def referral_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MeetingForm(forms.Form):
    starts_at = local_datetime_field(_("Time of the first meeting"))
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_("A safe, neutral place, or the citizen's home if they wish."),
    )


class EndForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why the match ends"), choices=CitizenMatch.EndReason.choices
    )


class CapacityForm(forms.Form):
    max_matches = forms.IntegerField(
        label=_("How many citizens can you be a volunteer for at once?"),
        min_value=0,
        max_value=10,
        help_text=_("0 means: do not propose me to anybody right now."),
    )


class CheckInForm(forms.Form):
    note = forms.CharField(
        label=_("How is it going?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A short note, for the follow-up. No health details."),
    )


class ConcernForm(forms.Form):
    text = forms.CharField(
        label=_("What worries you?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The coordinator gets a mail at once and will contact you."),
    )


SELF_FIELDS = [
    "first_name",
    "age_band",
    "postcode",
    "contact",
    "languages",
    "interests",
    "practical_needs",
    "availability",
    "note",
]


class SelfReferralForm(ReferralForm):
    """The public form where a citizen asks for a volunteer themself (no account): the
    same minimum as a referral, each field saying why, in the second person; the legal
    basis is the citizen's consent, given here. A `website` input in the template is a trap
    for bots: it is hidden from people (and from screen readers), so whatever fills it in
    is not a person."""

    consent = forms.BooleanField(
        label=_("I agree that these data are kept to find me a volunteer"),
        help_text=_(
            "Only the programme's coordinators see them; the volunteer sees only what they "
            "need for the visits. They are deleted a while after the match or the request "
            "ends. You can withdraw your consent at any time by contacting the coordinator."
        ),
        error_messages={"required": _("We need your consent to keep the data.")},
    )

    class Meta(ReferralForm.Meta):
        fields = SELF_FIELDS
        labels = {
            **ReferralForm.Meta.labels,
            "first_name": _("Your first name (or what you would like to be called)"),
            "languages": _("Languages you speak"),
            "contact": _("Your phone number or e-mail"),
            "note": _("Anything else you would like to tell us"),
        }
        help_texts = {
            "first_name": _("What the volunteer may call you. No surname and no CPR number."),
            "age_band": _("An age band, not a birth date: enough to find a fitting volunteer."),
            "postcode": _("To find a volunteer who lives near you. No street address."),
            "contact": _(
                "So the coordinator can call or write to you. The volunteer never sees it."
            ),
            "languages": _("Separate with commas, e.g. Danish, Arabic. To find a shared language."),
            "interests": _(
                "Separate with commas, e.g. walks, chess, cooking. To find something in common."
            ),
            "practical_needs": _(
                "E.g. wheelchair, hard of hearing, no stairs. So the volunteer can plan the "
                "visits; the volunteer sees this."
            ),
            "note": _(
                "Only the coordinator reads it. Put nothing about your health here: use the "
                "protected field below."
            ),
        }

    field_order = ["programme", *SELF_FIELDS, "special_category", "consent"]

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, programmes=programmes, **kwargs)
        self.fields["programme"].help_text = _("Which kind of volunteer you would like.")
        self.fields["contact"].required = True
        self.fields["contact"].error_messages["required"] = _(
            "Write how the coordinator can reach you."
        )
        self.fields["availability"].label = _("When you are usually free")
        self.fields["special_category"].label = _(
            "Health or other sensitive information (optional)"
        )
        self.fields["special_category"].help_text = _(
            "Only what the coordinator must know to find a safe match. It is encrypted, only "
            "the programme's coordinators can read it, every reading is logged, and the "
            "volunteer never sees it."
        )

    def referral_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SELF_FIELDS}

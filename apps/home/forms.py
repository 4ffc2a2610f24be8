from django import forms


class ChecklistForm(forms.Form):
    """Put the set-up checklist away (hide=1) or bring it back (hide=0)."""

    hide = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")

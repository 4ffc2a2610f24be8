from django import forms
from django.utils.translation import gettext_lazy as _

from apps.legal.services import MAX_LENGTH


class DocumentForm(forms.Form):
    body_markdown = forms.CharField(
        label=_("Text"),
        max_length=MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        help_text=_(
            "Markdown: ## for a heading, - for a list item, **bold**, [text](https://address) "
            "for a link. HTML is removed."
        ),
    )

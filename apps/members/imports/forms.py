"""The import pages' forms: the upload, and the column choices of the preview."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.members.imports.columns import FIELDS, Mapping, column_label

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (from Excel: “CSV UTF-8” or plain CSV) or XLSX. The first line names the "
            "columns; one volunteer a line. At most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."), code="too_big")
        return upload


class MappingForm(forms.Form):
    """One choice of column per field; the guessed mapping is the starting point."""

    def __init__(self, *args: Any, headers: list[str], mapping: Mapping, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(not imported)"))] + [
            (str(index), column_label(headers, index)) for index in range(len(headers))
        ]
        for name, label in FIELDS.items():
            self.fields[f"col_{name}"] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=str(mapping[name]) if name in mapping else "",
            )

    def mapping(self) -> Mapping:
        return {
            name: int(self.cleaned_data[f"col_{name}"])
            for name in FIELDS
            if self.cleaned_data.get(f"col_{name}")
        }
